package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
)

func init() {
	flagSets["solve"] = func() *flag.FlagSet { fs, _ := solveFlags(); return fs }
}

type solveOpts struct {
	set      setFlag
	instance *string
	scheme   *schemeOpts
	dtype    *string
	json     *bool
	maxNeur  *int
}

func solveFlags() (*flag.FlagSet, *solveOpts) {
	o := &solveOpts{set: setFlag{}}
	fs := flag.NewFlagSet("solve", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable); unset params are taken from the instance or chosen automatically")
	o.instance = fs.String("instance", "", "instance file: knapsack text format (n, n lines \"profit weight\", capacity) or JSON; for a program with data: JSON with \"data\", a TSPLIB .atsp/.tsp file, an OR-Library rcsp .txt file, a graph JSON file (\"edges\"; -set s=K picks the source) or a sequence pair JSON file (\"x\", \"y\")")
	o.scheme = addSchemeFlags(fs, false)
	o.dtype = fs.String("dtype", "float64", "evaluation type: float64 or float32")
	o.json = fs.Bool("json", false, "print JSON")
	o.maxNeur = fs.Int("max-neurons", defaultMaxNeurons, "refuse programs whose network would have more hidden neurons (estimated before building; about 700 bytes each)")
	return fs, o
}

// SolveReport is the JSON output of "dp2nn solve".
type SolveReport struct {
	Program   string             `json:"program"`
	Instance  string             `json:"instance"`
	Params    map[string]int64   `json:"params"`
	Notes     []string           `json:"notes,omitempty"`
	DType     string             `json:"dtype"`
	Steps     int                `json:"steps"`
	Depth     int                `json:"depth"`
	Widths    []int              `json:"widths"`
	Answer    string             `json:"answer"`
	Found     bool               `json:"found"`
	Value     float64            `json:"value"`
	Tolerance float64            `json:"decode_tolerance"`
	Taken     []int              `json:"taken,omitempty"` // 1-based steps
	Totals    map[string]float64 `json:"totals,omitempty"`
	Check     string             `json:"check,omitempty"`
	// Guarantee is the FPTAS-NN bound the answer satisfies (fptas only).
	Guarantee string `json:"guarantee,omitempty"`
}

func runSolve(args []string, stdout io.Writer) error {
	fs, o := solveFlags()
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	if *o.instance == "" {
		return userErrorf("solve: missing -instance FILE")
	}
	dtype := *o.dtype
	if dtype != "float64" && dtype != "float32" {
		return userErrorf("solve: unknown -dtype %q (want float64 or float32)", dtype)
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	if fileDataProgram(f) {
		return solveData(path, f, o, stdout)
	}
	inst, err := instance.ReadInstanceFile(*o.instance)
	if err != nil {
		return &userError{err.Error()}
	}
	params, notes, err := instance.Params(f, inst, o.set)
	if err != nil {
		return &userError{err.Error()}
	}
	m, err := dsl.Check(f, params)
	if err != nil {
		return err
	}
	steps, err := instance.Bind(m, inst)
	if err != nil {
		return &userError{err.Error()}
	}
	if n := estimateNeurons(m); n > *o.maxNeur && *o.scheme.name == "exact" {
		return userErrorf("solve: with %s the network would have %s hidden neurons, above -max-neurons %d; set smaller params or raise the limit", paramString(m), neuronsText(n), *o.maxNeur)
	}
	opt, err := o.scheme.options(len(steps))
	if err != nil {
		return err
	}
	if opt.Scheme == compile.Smooth {
		if dtype != "float64" {
			return userErrorf("solve -scheme smooth evaluates in float64 (its gradient is taken in float64); for float32 export it with dp2nn compile -dtype float32")
		}
		return solveSmooth(stdout, *o.json, *o.instance, m, opt, steps)
	}
	net, err := lower(m, opt)
	if err != nil {
		return err
	}
	if err := checkFloat32Exact(net, dtype, steps); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	if m.Answer == nil {
		return userErrorf("%s: program has no answer line, so there is nothing to solve", path)
	}
	obs, err := engine.Observe(net, engine.DType(dtype), steps)
	if err != nil {
		return err
	}
	states := obs.States
	tol := net.RunTolerance(states, engine.DType(dtype).Roundoff())
	ans, err := net.Decode(states[len(states)-1], tol)
	if err != nil {
		return err
	}
	st := net.Cell.Stats()
	r := &SolveReport{
		Program: m.Name, Instance: *o.instance, Params: map[string]int64{}, Notes: notes, DType: dtype,
		Steps: len(steps), Depth: st.Depth, Widths: st.Widths, Answer: ans.String(), Found: ans.Found,
		Value: ans.Value, Tolerance: tol,
	}
	for _, p := range m.Params {
		r.Params[p.Name] = p.Value
	}
	if rd := net.Rounding; rd != nil {
		n2 := len(steps) * len(steps)
		if n2 < rd.P {
			r.Guarantee = fmt.Sprintf("P = %d, n = %d: (1 - n²/P)·OPT <= %s <= OPT, so OPT <= %.6g", rd.P, len(steps), ans, ans.Value*float64(rd.P)/float64(rd.P-n2))
		} else {
			r.Guarantee = fmt.Sprintf("P = %d, n = %d: n² >= P, so only %s <= OPT is guaranteed; P > %d gives a bound", rd.P, len(steps), ans, n2)
		}
	}
	var checkErr error
	if ans.Found && ans.Kind != dsl.AnswerValue {
		taken, err := net.Backtrack(states, steps, ans)
		if err == nil {
			r.Taken, r.Totals = takenTotals(taken, inst)
			r.Check, checkErr = checkSelection(r.Totals, inst, ans)
		}
	}
	if *o.json {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	} else {
		printSolve(stdout, r, m, net)
	}
	return checkErr
}

// takenTotals lists the taken steps (1-based) and sums every per-step
// field of the instance over them.
func takenTotals(taken []bool, inst *instance.Instance) ([]int, map[string]float64) {
	var idx []int
	totals := map[string]float64{}
	for t, ok := range taken {
		if !ok {
			continue
		}
		idx = append(idx, t+1)
		for k, v := range inst.Steps[t] {
			totals[k] += v
		}
	}
	return idx, totals
}

// checkSelection checks the backtracked selection against the instance
// itself where the instance says what is feasible (a weight budget).
func checkSelection(totals map[string]float64, inst *instance.Instance, ans compile.Answer) (string, error) {
	var parts []string
	if c, ok := inst.Scalars["capacity"]; ok {
		if w, ok := totals["weight"]; ok || len(totals) == 0 {
			if w > c {
				return "", fmt.Errorf("decoded selection has weight %g above capacity %g: the network or decoder is wrong", w, c)
			}
			parts = append(parts, fmt.Sprintf("weight %g <= capacity %g", w, c))
		}
	}
	if p, ok := totals["profit"]; ok {
		if p < ans.Value {
			return "", fmt.Errorf("decoded selection has profit %g below the answer %g: the network or decoder is wrong", p, ans.Value)
		}
		parts = append(parts, fmt.Sprintf("profit %g >= answer %g", p, ans.Value))
	}
	return strings.Join(parts, ", "), nil
}

func printSolve(w io.Writer, r *SolveReport, m *dsl.Model, net *compile.Network) {
	var ps []string
	for _, k := range sortedKeys(r.Params) {
		ps = append(ps, fmt.Sprintf("%s=%d", k, r.Params[k]))
	}
	scheme := net.Scheme.String()
	if net.Rounding != nil {
		scheme += fmt.Sprintf(" with P=%d", net.Rounding.P)
	}
	fmt.Fprintf(w, "program %s, scheme %s, %s\n", r.Program, scheme, strings.Join(ps, " "))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintf(w, "network: RNN cell of depth %d, widths %v, applied %d times in %s\n", r.Depth, r.Widths, r.Steps, r.DType)
	fmt.Fprintf(w, "%s = %s   (decoded outside the network, tolerance %.3g)\n", m.File.Text(m.Answer.Decl), r.Answer, r.Tolerance)
	if r.Guarantee != "" {
		fmt.Fprintf(w, "guarantee (Hertrich & Skutella): %s\n", r.Guarantee)
	}
	if r.Taken != nil || r.Totals != nil {
		fmt.Fprintf(w, "taken steps (backtracked through the stored states): %v\n", r.Taken)
		var tot []string
		for _, k := range sortedKeys(r.Totals) {
			tot = append(tot, fmt.Sprintf("%s %g", k, r.Totals[k]))
		}
		if len(tot) > 0 {
			fmt.Fprintf(w, "totals of taken steps: %s\n", strings.Join(tot, ", "))
		}
		if r.Check != "" {
			fmt.Fprintf(w, "check against the instance: %s\n", r.Check)
		}
	}
}
