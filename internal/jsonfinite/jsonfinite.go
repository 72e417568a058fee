package jsonfinite

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The strings non-finite floats are written as.
const (
	PosInf = "inf"
	NegInf = "-inf"
	NaN    = "nan"
)

// Marshal returns the JSON encoding of v: encoding/json's, but with
// non-finite floats written as the strings PosInf, NegInf and NaN.
func Marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	var uv *json.UnsupportedValueError
	if err == nil || !errors.As(err, &uv) {
		return b, err
	}
	var buf bytes.Buffer
	if err := encode(&buf, reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes v to w as Marshal encodes it, indented by indent per level
// when indent is not "" (as json.Encoder.SetIndent("", indent)), and a
// newline, as json.Encoder.Encode does.
func Write(w io.Writer, v any, indent string) error {
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	if indent != "" {
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", indent); err != nil {
			return err
		}
		b = out.Bytes()
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Float returns the JSON text of f: a number as encoding/json writes it,
// or the quoted PosInf, NegInf or NaN.
func Float(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return `"` + PosInf + `"`
	case math.IsInf(f, -1):
		return `"` + NegInf + `"`
	case math.IsNaN(f):
		return `"` + NaN + `"`
	}
	b, _ := json.Marshal(f)
	if bits == 32 {
		b, _ = json.Marshal(float32(f))
	}
	return string(b)
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func encode(buf *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	if v.Kind() == reflect.Pointer && v.IsNil() || v.Kind() == reflect.Interface && v.IsNil() {
		buf.WriteString("null")
		return nil
	}
	if v.Type().Implements(marshalerType) || v.Type().Implements(textMarshalerType) ||
		v.CanAddr() && (v.Addr().Type().Implements(marshalerType) || v.Addr().Type().Implements(textMarshalerType)) {
		return leaf(buf, v)
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		buf.WriteString(Float(v.Float(), bits))
		return nil
	case reflect.Pointer, reflect.Interface:
		return encode(buf, v.Elem())
	case reflect.Struct:
		return encodeStruct(buf, v)
	case reflect.Map:
		return encodeMap(buf, v)
	case reflect.Slice:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return leaf(buf, v) // []byte: base64
		}
		fallthrough
	case reflect.Array:
		buf.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encode(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return leaf(buf, v)
}

// leaf writes v as encoding/json does (a value holding no float of its
// own that could be non-finite, or a Marshaler).
func leaf(buf *bytes.Buffer, v reflect.Value) error {
	var x any
	if v.CanAddr() {
		x = v.Addr().Interface()
	} else {
		x = v.Interface()
	}
	b, err := json.Marshal(x)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

// field is a struct field as encoding/json sees it.
type field struct {
	name      string
	index     []int
	omitEmpty bool
	quoted    bool // the ",string" option
	depth     int
	tagged    bool
}

func encodeStruct(buf *bytes.Buffer, v reflect.Value) error {
	buf.WriteByte('{')
	first := true
	for _, f := range fields(v.Type()) {
		fv, ok := fieldByIndex(v, f.index)
		if !ok || f.omitEmpty && isEmpty(fv) {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(f.name)
		buf.Write(name)
		buf.WriteByte(':')
		if f.quoted {
			if err := leafQuoted(buf, fv); err != nil {
				return err
			}
			continue
		}
		if err := encode(buf, fv); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// leafQuoted writes a field with the ",string" option through
// encoding/json (a non-finite float is written as Float writes it).
func leafQuoted(buf *bytes.Buffer, v reflect.Value) error {
	if (v.Kind() == reflect.Float32 || v.Kind() == reflect.Float64) && (math.IsInf(v.Float(), 0) || math.IsNaN(v.Float())) {
		buf.WriteString(Float(v.Float(), 64))
		return nil
	}
	s := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "X", Type: v.Type(), Tag: `json:"x,string"`}})).Elem()
	s.Field(0).Set(v)
	b, err := json.Marshal(s.Interface())
	if err != nil {
		return err
	}
	buf.Write(b[len(`{"x":`) : len(b)-1])
	return nil
}

func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 {
			if v.Kind() == reflect.Pointer {
				if v.IsNil() {
					return reflect.Value{}, false
				}
				v = v.Elem()
			}
		}
		v = v.Field(x)
	}
	return v, true
}

// fields lists the fields encoding/json writes for struct type t, in its
// order, with its rules for embedded structs: a field of a shallower
// depth hides deeper ones of the same name; at one depth, a tagged field
// hides untagged ones, and otherwise both are dropped.
func fields(t reflect.Type) []field {
	var all []field
	var walk func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
				if name == "" && ft.Kind() == reflect.Struct {
					walk(ft, append(slices.Clone(index), i), depth+1, seen)
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			f := field{name: name, index: append(slices.Clone(index), i), depth: depth, tagged: name != ""}
			if name == "" {
				f.name = sf.Name
			}
			for _, o := range strings.Split(opts, ",") {
				switch o {
				case "omitempty":
					f.omitEmpty = true
				case "string":
					switch sf.Type.Kind() {
					case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64, reflect.String:
						f.quoted = true
					}
				}
			}
			all = append(all, f)
		}
		delete(seen, t)
	}
	walk(t, nil, 0, map[reflect.Type]bool{})
	// The dominant field of each name.
	byName := map[string][]field{}
	for _, f := range all {
		byName[f.name] = append(byName[f.name], f)
	}
	var out []field
	for _, f := range all {
		fs := byName[f.name]
		if fs == nil {
			continue
		}
		byName[f.name] = nil
		if d, ok := dominant(fs); ok {
			out = append(out, d)
		}
	}
	// encoding/json orders fields by their index sequence.
	slices.SortStableFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out
}

func dominant(fs []field) (field, bool) {
	minDepth := fs[0].depth
	for _, f := range fs {
		minDepth = min(minDepth, f.depth)
	}
	var top []field
	for _, f := range fs {
		if f.depth == minDepth {
			top = append(top, f)
		}
	}
	if len(top) == 1 {
		return top[0], true
	}
	var tagged []field
	for _, f := range top {
		if f.tagged {
			tagged = append(tagged, f)
		}
	}
	if len(tagged) == 1 {
		return tagged[0], true
	}
	return field{}, false
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func encodeMap(buf *bytes.Buffer, v reflect.Value) error {
	if v.IsNil() {
		buf.WriteString("null")
		return nil
	}
	type entry struct {
		key string
		val reflect.Value
	}
	var es []entry
	iter := v.MapRange()
	for iter.Next() {
		k, err := mapKey(iter.Key())
		if err != nil {
			return err
		}
		es = append(es, entry{k, iter.Value()})
	}
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	buf.WriteByte('{')
	for i, e := range es {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(e.key)
		buf.Write(name)
		buf.WriteByte(':')
		if err := encode(buf, e.val); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// mapKey is the key of a map entry as encoding/json writes it.
func mapKey(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := tm.MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
	return "", fmt.Errorf("jsonfinite: unsupported map key type %s", k.Type())
}
