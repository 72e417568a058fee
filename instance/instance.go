package instance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/dp2nn/dp2nn/diag"
	"github.com/dp2nn/dp2nn/dsl"
)

// Instance is a run of a program's inputs: named values per step, plus
// named scalars that may bind params (see Params).
type Instance struct {
	Name   string // e.g. "f1_l-d_kp_10_269": the "name" field, else the file name without extension
	Source string // the file it was read from, as given
	// Steps holds, per step, the named values (profit, weight, size for a
	// knapsack instance; whatever the generic JSON form names).
	Steps []map[string]float64
	// Exact holds the same values exactly: decimal literals as written and
	// size = weight/capacity as a fraction. Steps holds their nearest
	// float64, which is what a network is fed.
	Exact []map[string]*big.Rat
	// StepLines is the source line of each step (0 when unknown, as in JSON).
	StepLines []int
	// StepNoun names a step in messages: "item" for knapsack instances,
	// "step" otherwise.
	StepNoun string
	// Scalars are instance-wide values, e.g. capacity and n.
	Scalars map[string]float64
	// Data holds the per-instance arrays by name (the JSON "data" field;
	// nil when there is none): what BindData checks against a program's
	// data declarations.
	Data map[string]*DataArray
	// Named is true when the file itself names the scalars and step
	// values (the generic JSON form, "params" and "steps"), rather than
	// its format (the knapsack forms, the converted files): a name the
	// program does not read is then a mistake, which Params and Bind
	// refuse, as BindData refuses undeclared data.
	Named bool
}

// Where locates step i (0-based) for messages: "f1.txt:4: item 3".
func (in *Instance) Where(i int) string {
	return fmt.Sprintf("%s: %s %d", in.stepPos(i), in.StepNoun, i+1)
}

func (in *Instance) stepPos(i int) diag.Pos {
	p := diag.Pos{File: in.Source}
	if i < len(in.StepLines) {
		p.Line = in.StepLines[i]
	}
	return p
}

// ReadInstanceFile reads an instance file: JSON when the name ends in
// .json or the content starts with '{', else the knapsack text format.
//
// The knapsack text format is: the number of items n on the first line,
// then one line "profit weight" per item, then the capacity on the last
// line; blank lines and # comments are ignored. Profits are integers >= 1,
// weights positive and at most the capacity. Every item becomes a step
// with profit, weight and size = weight/capacity; the scalars are
// capacity and n.
//
// JSON comes in two forms. The knapsack form
//
//	{"name": "...", "capacity": C, "items": [{"profit": P, "weight": W}, ...]}
//
// means the same as the text format. The generic form
//
//	{"name": "...", "params": {"NAME": V, ...}, "steps": [{"INPUT": V, ...}, ...]}
//
// gives each step's named values directly; params become scalars. It may
// also carry, or instead of "steps" only carry, the per-instance data of a
// program with data declarations, or only "params" (a program with a
// steps line and neither inputs nor data: {"params": {"n": 30}}):
//
//	{"name": "...", "params": {"n": 3}, "data": {"c": [[0, 3, "inf"], [2, 0, 1], ["inf", 4, 0]], "R": 30}}
//
// A data value is a number or the string "inf", a scalar or nested lists
// (one level per dimension of the declaration, first index first); see
// BindData. Unknown fields are errors, and so is a key given twice in one
// object (encoding/json would keep the last). Errors come back as a go/diag.ErrorList
// with file:line positions (file:line:col for JSON syntax errors).
func ReadInstanceFile(path string) (*Instance, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read instance: %w", err)
	}
	return ReadInstance(path, data)
}

// ReadInstance is ReadInstanceFile on data read from the file called name.
func ReadInstance(name string, data []byte) (*Instance, error) {
	if isJSON(name, data) {
		return readJSON(name, data)
	}
	return readText(name, data)
}

func hasJSONSuffix(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".json") }

func baseName(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// number is a parsed numeric token: its nearest float64 and exact value.
type number struct {
	f     float64
	exact *big.Rat
	text  string
}

// parseNumber parses a decimal number. The exact value is the decimal as
// written when it is a plain decimal (no exponent, at most 64 characters,
// so that big.Rat cannot be made to build huge powers of ten); otherwise
// it is the exact value of the nearest float64.
func parseNumber(what, s string) (number, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return number{}, fmt.Errorf("%s %q is not a number", what, dsl.Shorten(s))
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return number{}, fmt.Errorf("%s %s is not a finite number", what, dsl.Shorten(s))
	}
	n := number{f: f, text: s}
	if len(s) <= 64 && strings.Trim(s, "+-0123456789.") == "" {
		if r, ok := new(big.Rat).SetString(s); ok {
			n.exact = r
		}
	}
	if n.exact == nil {
		n.exact = new(big.Rat).SetFloat64(f)
	}
	return n, nil
}

// errorList collects instance errors.
type errorList struct {
	list diag.ErrorList
	file string
}

func (l *errorList) add(line, col int, format string, args ...any) {
	l.list.Add(diag.Pos{File: l.file, Line: line, Col: col}, fmt.Sprintf(format, args...))
}

func (l *errorList) err() error {
	l.list.Sort()
	return l.list.Err()
}

// textLine is a non-blank line of the text format, comments removed.
type textLine struct {
	line   int
	fields []string
	cols   []int // 1-based column of each field
}

func splitText(data []byte) []textLine {
	var lines []textLine
	for n, text := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		tl := textLine{line: n + 1}
		for i := 0; i < len(text); {
			if isSpace(text[i]) {
				i++
				continue
			}
			j := i
			for j < len(text) && !isSpace(text[j]) {
				j++
			}
			tl.fields = append(tl.fields, text[i:j])
			tl.cols = append(tl.cols, i+1)
			i = j
		}
		if len(tl.fields) > 0 {
			lines = append(lines, tl)
		}
	}
	return lines
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

// knapsackItem is one item of a knapsack instance, with where it came from.
type knapsackItem struct {
	profit, weight number
	line           int
	col            [2]int // columns of profit and weight (0 when unknown)
}

func readText(name string, data []byte) (*Instance, error) {
	errs := &errorList{file: name}
	lines := splitText(data)
	if len(lines) == 0 {
		errs.add(0, 0, "empty instance: want the number of items n on the first line, then n lines \"profit weight\", then the capacity")
		return nil, errs.err()
	}
	first := lines[0]
	var n int64 = -1
	nv, err := parseNumber("n", first.fields[0])
	switch {
	case err != nil:
		errs.add(first.line, first.cols[0], "%v", err)
	case nv.f < 1 || nv.f != math.Trunc(nv.f) || nv.f > 1<<31:
		errs.add(first.line, first.cols[0], "n must be a positive integer, got %s", nv.text)
	default:
		n = int64(nv.f)
	}
	if len(first.fields) > 1 {
		errs.add(first.line, first.cols[1], "extra number %s after n (the first line holds n alone)", first.fields[1])
	}
	if len(lines) < 2 {
		errs.add(first.line, 0, "missing capacity: want n lines \"profit weight\" after n, then the capacity")
		return nil, errs.err()
	}
	itemLines := lines[1 : len(lines)-1]
	if n >= 0 && int64(len(itemLines)) != n {
		errs.add(first.line, first.cols[0], "n mismatch: n = %d but the file has %d item line%s between n and the capacity line (line %d)",
			n, len(itemLines), plural(len(itemLines)), lines[len(lines)-1].line)
	}

	last := lines[len(lines)-1]
	var capacity *number
	if c, err := parseNumber("capacity", last.fields[0]); err != nil {
		errs.add(last.line, last.cols[0], "%v", err)
	} else {
		capacity = &c
	}
	if len(last.fields) > 1 {
		errs.add(last.line, last.cols[1], "extra number %s after the capacity (the last line holds the capacity alone)", last.fields[1])
	}

	items := make([]knapsackItem, 0, len(itemLines))
	for k, tl := range itemLines {
		it := knapsackItem{line: tl.line}
		ok := true
		for j, what := range []string{"profit", "weight"} {
			if j >= len(tl.fields) {
				errs.add(tl.line, 0, "item %d: missing %s (want \"profit weight\")", k+1, what)
				ok = false
				continue
			}
			v, err := parseNumber(what, tl.fields[j])
			if err != nil {
				errs.add(tl.line, tl.cols[j], "item %d: %v", k+1, err)
				ok = false
				continue
			}
			it.col[j] = tl.cols[j]
			if j == 0 {
				it.profit = v
			} else {
				it.weight = v
			}
		}
		if len(tl.fields) > 2 {
			errs.add(tl.line, tl.cols[2], "item %d: extra number %s (want \"profit weight\")", k+1, tl.fields[2])
		}
		if ok {
			items = append(items, it)
		} else {
			items = append(items, knapsackItem{line: -1})
		}
	}
	capPos := diag.Pos{File: name, Line: last.line}
	return knapsackInstance(name, baseName(name), capacity, capPos, last.cols[0], items, errs)
}

// knapsackInstance validates items against capacity and derives sizes.
// Items with line -1 failed to parse and were reported already.
func knapsackInstance(file, name string, capacity *number, capPos diag.Pos, capCol int, items []knapsackItem, errs *errorList) (*Instance, error) {
	capOK := capacity != nil
	if capOK && capacity.f <= 0 {
		errs.add(capPos.Line, capCol, "capacity %s must be positive", capacity.text)
		capOK = false
	}
	if len(items) == 0 {
		errs.add(capPos.Line, 0, "no items")
	}
	in := &Instance{Name: name, Source: file, StepNoun: "item"}
	for k, it := range items {
		if it.line < 0 {
			continue
		}
		p, w := it.profit, it.weight
		switch {
		case p.f != math.Trunc(p.f):
			errs.add(it.line, it.col[0], "item %d: profit %s is not an integer", k+1, p.text)
		case p.f < 1:
			errs.add(it.line, it.col[0], "item %d: profit %s is below 1 (profits are positive integers)", k+1, p.text)
		case p.f > 1<<53:
			errs.add(it.line, it.col[0], "item %d: profit %s is above 2^53 (not exact in float64)", k+1, p.text)
		}
		switch {
		case w.f <= 0:
			errs.add(it.line, it.col[1], "item %d: weight %s: size must be positive", k+1, w.text)
		case capOK && w.exact.Cmp(capacity.exact) > 0:
			where := ""
			if capPos.Line > 0 {
				where = fmt.Sprintf(" (%s)", capPos)
			}
			errs.add(it.line, it.col[1], "item %d: weight %s is above the capacity %s%s", k+1, w.text, capacity.text, where)
		}
		if !capOK {
			continue
		}
		size := new(big.Rat).Quo(w.exact, capacity.exact)
		sf, _ := size.Float64()
		in.Steps = append(in.Steps, map[string]float64{"profit": p.f, "weight": w.f, "size": sf})
		in.Exact = append(in.Exact, map[string]*big.Rat{"profit": p.exact, "weight": w.exact, "size": size})
		in.StepLines = append(in.StepLines, max(it.line, 0))
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	in.Scalars = map[string]float64{"capacity": capacity.f, "n": float64(len(items))}
	return in, nil
}

// jsonInstance holds both JSON forms; which fields are present decides
// the form.
type jsonInstance struct {
	Name     string                     `json:"name"`
	Capacity *jsonNumber                `json:"capacity"`
	Items    *[]jsonItem                `json:"items"`
	Params   map[string]jsonNumber      `json:"params"`
	Steps    *[]map[string]jsonNumber   `json:"steps"`
	Data     map[string]json.RawMessage `json:"data"`
}

type jsonItem struct {
	Profit *jsonNumber `json:"profit"`
	Weight *jsonNumber `json:"weight"`
}

// jsonNumber is the text of a JSON number literal. Unlike json.Number it
// refuses strings, so "57" in quotes is an error, not a number.
type jsonNumber string

func (n *jsonNumber) UnmarshalJSON(b []byte) error {
	var got string
	switch c := b[0]; {
	case c == '-' || c >= '0' && c <= '9':
		*n = jsonNumber(b)
		return nil
	case c == '"':
		got = "the string " + string(b)
	case c == '{':
		got = "an object"
	case c == '[':
		got = "an array"
	default:
		got = string(b) // true, false, null
	}
	// An UnmarshalTypeError gets the field path from the decoder; the
	// offset is unknown here (-1).
	return &json.UnmarshalTypeError{Value: got, Type: reflect.TypeFor[jsonNumber](), Offset: -1}
}

func (n jsonNumber) String() string { return string(n) }

func readJSON(name string, data []byte) (*Instance, error) {
	errs := &errorList{file: name}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ji jsonInstance
	if err := dec.Decode(&ji); err != nil {
		line, col, msg := jsonErrorPos(data, err)
		errs.add(line, col, "%s", msg)
		return nil, errs.err()
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, dec.InputOffset())
		errs.add(line, col, "extra data after the instance object")
		return nil, errs.err()
	}
	if line, col, msg, ok := checkKeys(data, ji); !ok {
		errs.add(line, col, "%s", msg)
		return nil, errs.err()
	}
	instName := ji.Name
	if instName == "" {
		instName = baseName(name)
	}
	switch {
	case ji.Items != nil && ji.Steps != nil:
		errs.add(0, 0, "both \"items\" (knapsack form) and \"steps\" (generic form); use one")
	case ji.Items != nil:
		if ji.Params != nil {
			errs.add(0, 0, "\"params\" belongs to the generic form (with \"steps\"), not to the knapsack form (with \"items\")")
		}
		if ji.Data != nil {
			errs.add(0, 0, "\"data\" belongs to the generic form (with \"params\" and \"steps\"), not to the knapsack form (with \"items\")")
		}
		return jsonKnapsack(name, instName, &ji, errs)
	case ji.Steps != nil || ji.Data != nil || ji.Params != nil:
		if ji.Capacity != nil {
			errs.add(0, 0, "\"capacity\" belongs to the knapsack form (with \"items\"); in the generic form put it in \"params\"")
		}
		return jsonGeneric(name, instName, &ji, errs)
	default:
		errs.add(0, 0, "no \"items\" (knapsack form) and no \"params\", \"steps\" or \"data\" (generic form)")
	}
	return nil, errs.err()
}

func jsonKnapsack(file, name string, ji *jsonInstance, errs *errorList) (*Instance, error) {
	var capacity *number
	if ji.Capacity == nil {
		errs.add(0, 0, "missing \"capacity\"")
	} else if c, err := parseNumber("capacity", ji.Capacity.String()); err != nil {
		errs.add(0, 0, "%v", err)
	} else {
		capacity = &c
	}
	items := make([]knapsackItem, len(*ji.Items))
	for k, ji := range *ji.Items {
		items[k].line = 0
		for _, f := range []struct {
			what string
			v    *jsonNumber
			dst  *number
		}{{"profit", ji.Profit, &items[k].profit}, {"weight", ji.Weight, &items[k].weight}} {
			if f.v == nil {
				errs.add(0, 0, "item %d: missing %q", k+1, f.what)
				items[k].line = -1
				continue
			}
			v, err := parseNumber(f.what, f.v.String())
			if err != nil {
				errs.add(0, 0, "item %d: %v", k+1, err)
				items[k].line = -1
				continue
			}
			*f.dst = v
		}
	}
	return knapsackInstance(file, name, capacity, diag.Pos{File: file}, 0, items, errs)
}

func jsonGeneric(file, name string, ji *jsonInstance, errs *errorList) (*Instance, error) {
	in := &Instance{Name: name, Source: file, StepNoun: "step", Scalars: map[string]float64{}, Named: true}
	for _, k := range slices.Sorted(maps.Keys(ji.Params)) {
		v, err := parseNumber("param "+k, ji.Params[k].String())
		if err != nil {
			errs.add(0, 0, "%v", err)
			continue
		}
		in.Scalars[k] = v.f
	}
	if ji.Data != nil {
		in.Data = make(map[string]*DataArray, len(ji.Data))
		for _, key := range slices.Sorted(maps.Keys(ji.Data)) {
			arr, err := parseDataArray(key, ji.Data[key])
			if err != nil {
				errs.add(0, 0, "%v", err)
				continue
			}
			in.Data[key] = arr
		}
	}
	if ji.Steps == nil && ji.Data != nil && len(ji.Data) == 0 {
		errs.add(0, 0, "\"data\" is empty")
	}
	var steps []map[string]jsonNumber
	if ji.Steps != nil {
		steps = *ji.Steps
		if len(steps) == 0 {
			errs.add(0, 0, "\"steps\" is empty")
		}
	}
	for k, st := range steps {
		vals := make(map[string]float64, len(st))
		exact := make(map[string]*big.Rat, len(st))
		for _, key := range slices.Sorted(maps.Keys(st)) {
			v, err := parseNumber(key, st[key].String())
			if err != nil {
				errs.add(0, 0, "step %d: %v", k+1, err)
				continue
			}
			vals[key], exact[key] = v.f, v.exact
		}
		in.Steps = append(in.Steps, vals)
		in.Exact = append(in.Exact, exact)
		in.StepLines = append(in.StepLines, 0)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return in, nil
}

// parseDataArray reads the JSON value of data name: a number or "inf",
// or nested lists of them, every list at one depth of the same length.
func parseDataArray(name string, raw json.RawMessage) (*DataArray, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("data %s: %v", name, err)
	}
	arr := &DataArray{}
	leafDepth := -1
	var walk func(v any, path []int) error
	walk = func(v any, path []int) error {
		depth := len(path)
		where := func() string {
			var b strings.Builder
			for _, i := range path {
				fmt.Fprintf(&b, "[%d]", i)
			}
			if b.Len() == 0 {
				return "data " + name
			}
			return fmt.Sprintf("data %s: element %s", name, b.String())
		}
		list, isList := v.([]any)
		if !isList {
			if leafDepth >= 0 && leafDepth != depth || depth < len(arr.Shape) {
				return fmt.Errorf("%s: a value where other elements at this depth are lists (the nesting must be regular)", where())
			}
			leafDepth = depth
			f, err := jsonDataValue(v)
			if err != nil {
				return fmt.Errorf("%s: %v", where(), err)
			}
			arr.Values = append(arr.Values, f)
			return nil
		}
		switch {
		case leafDepth >= 0 && depth >= leafDepth:
			return fmt.Errorf("%s: a list where other elements at this depth are values (the nesting must be regular)", where())
		case depth == len(arr.Shape):
			arr.Shape = append(arr.Shape, len(list))
		case arr.Shape[depth] != len(list):
			return fmt.Errorf("%s: a list of %d, but the first list at this depth has %d (the nesting must be regular)", where(), len(list), arr.Shape[depth])
		}
		if len(list) == 0 {
			if leafDepth >= 0 && leafDepth != depth+1 {
				return fmt.Errorf("%s: an empty list where other lists hold lists", where())
			}
			leafDepth = depth + 1
		}
		for i, x := range list {
			if err := walk(x, append(path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(v, nil); err != nil {
		return nil, err
	}
	return arr, nil
}

// jsonDataValue is one value of a data array: a finite number or the
// string "inf".
func jsonDataValue(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		n, err := parseNumber("", x.String())
		if err != nil {
			return 0, fmt.Errorf("%s is not a finite number", dsl.Shorten(x.String()))
		}
		return n.f, nil
	case string:
		if x == "inf" {
			return math.Inf(1), nil
		}
		return 0, fmt.Errorf("got the string %q, want a number or \"inf\"", dsl.Shorten(x))
	case map[string]any:
		return 0, errors.New("got an object, want a number or \"inf\"")
	case bool:
		return 0, fmt.Errorf("got %v, want a number or \"inf\"", x)
	case nil:
		return 0, errors.New("got null, want a number or \"inf\"")
	}
	return 0, fmt.Errorf("got %v, want a number or \"inf\"", v)
}

// jsonErrorPos turns a decoding error into a position and a message
// without the "json: " prefix.
func jsonErrorPos(data []byte, err error) (line, col int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "json: ")
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col = lineCol(data, syn.Offset)
		msg = "JSON syntax error: " + msg
	case errors.As(err, &typ):
		if typ.Offset >= 0 {
			line, col = lineCol(data, typ.Offset)
		}
		what := typ.Value
		switch {
		case what == "number" || strings.HasPrefix(what, "number "):
			what = "a number"
		case what == "string" || what == "array" || what == "object":
			what = "an " + what
			what = strings.Replace(what, "an string", "a string", 1)
		case what == "bool":
			what = "a boolean"
		}
		field := typ.Field
		if field == "" {
			field = "the instance"
		}
		msg = fmt.Sprintf("%s: got %s, want %s", field, what, jsonTypeName(typ.Type.String()))
	case errors.Is(err, io.EOF):
		msg = "empty JSON input"
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col = lineCol(data, int64(len(data)))
		msg = "JSON syntax error: unexpected end of input"
	}
	return line, col, msg
}

func jsonTypeName(goType string) string {
	goType = strings.TrimPrefix(goType, "*")
	switch {
	case strings.HasPrefix(goType, "map["), goType == "instance.jsonItem", goType == "instance.jsonInstance":
		return "an object"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case goType == "instance.jsonNumber":
		return "a number"
	case goType == "string":
		return "a string"
	}
	return goType
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// ReadOptima reads a file of known optima, one "name optimum" per line
// (blank lines and # comments allowed), as in testdata/lowdim/optima.txt.
func ReadOptima(path string) (map[string]int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	errs := &errorList{file: path}
	opt := make(map[string]int64)
	seen := make(map[string]int)
	for _, tl := range splitText(data) {
		if len(tl.fields) != 2 {
			errs.add(tl.line, tl.cols[0], "want \"name optimum\", got %d fields", len(tl.fields))
			continue
		}
		name := tl.fields[0]
		v, err := strconv.ParseInt(tl.fields[1], 10, 64)
		if err != nil {
			errs.add(tl.line, tl.cols[1], "optimum %q is not an integer", tl.fields[1])
			continue
		}
		if l, dup := seen[name]; dup {
			errs.add(tl.line, tl.cols[0], "%s appears twice (first on line %d)", name, l)
			continue
		}
		seen[name] = tl.line
		opt[name] = v
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return opt, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
