package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["verify"] = func() *flag.FlagSet { fs, _ := verifyFlags(); return fs }
}

type verifyOpts struct {
	set        setFlag
	scheme     *schemeOpts
	random     *int
	seed       *uint64
	steps      *int
	instances  *string
	dtype      *string
	maxNeurons *int
	json       *bool
	runtime    *string
	form       *string
}

func verifyFlags() (*flag.FlagSet, *verifyOpts) {
	o := &verifyOpts{set: setFlag{}}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable); for -instances, unset params are chosen per instance")
	o.scheme = addSchemeFlags(fs, true)
	o.random = fs.Int("random", 0, "number of random instances")
	o.seed = fs.Uint64("seed", 1, "seed of the random instances")
	o.steps = fs.Int("steps", 10, "steps per random instance, for programs without a dedicated generator")
	o.instances = fs.String("instances", "", "directory of instance files (*.txt, *.json); optima.txt there gives known answers")
	o.dtype = fs.String("dtype", "both", "evaluation type: float64, float32 or both")
	o.maxNeurons = fs.Int("max-neurons", defaultMaxNeurons, "skip instances (refuse programs with data) whose network would have more hidden neurons")
	o.json = fs.Bool("json", false, "print JSON")
	o.runtime = fs.String("runtime", "go", "for a .onnx model: go (own interpreter), ort (ONNX Runtime) or onnxgo")
	o.form = fs.String("form", "cell", "programs with data: run the cell once per step (cell) or the network unrolled over the steps (unrolled, settled cells computed once)")
	return fs, o
}

// VerifyReport is the JSON output of "dp2nn verify".
type VerifyReport struct {
	Program string `json:"program"`
	Scheme  string `json:"scheme"`
	// Against says what the network is compared with, when it is not the
	// default for the scheme (programs with data).
	Against    string        `json:"against,omitempty"`
	Rows       []VerifyRow   `json:"rows"`
	Mismatches int           `json:"mismatches"`
	Failures   []verify.Case `json:"failures,omitempty"`
}

// VerifyRow summarises the cases of one source (random or one file).
type VerifyRow struct {
	Source     string             `json:"source"`
	Params     string             `json:"params"`
	Cases      int                `json:"cases"`
	Steps      int                `json:"steps"`
	MaxErr     map[string]float64 `json:"max_abs_error"`
	Answer     string             `json:"answer,omitempty"`
	Known      string             `json:"known,omitempty"`
	Mismatches int                `json:"mismatches"`
	// Undecidable counts instances whose answer the rounded values cannot
	// tell (verify.Case.Undecidable): no answer, not a wrong one.
	Undecidable int    `json:"undecidable,omitempty"`
	Skipped     string `json:"skipped,omitempty"`
	// Programs with data: instances whose "require fixpoint" fails (a
	// negative cycle) and instances without a finite answer.
	Fixpoint int `json:"fixpoint_failures,omitempty"`
	NoAnswer int `json:"no_answer,omitempty"`
	// FPTAS on a program with data: the largest answer − OPT seen, and
	// the guarantee's bound on it.
	MaxGap *float64 `json:"max_gap,omitempty"`
	Slack  string   `json:"slack,omitempty"`
}

func runVerify(args []string, stdout io.Writer) error {
	fs, o := verifyFlags()
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	var dtypes []engine.DType
	switch *o.dtype {
	case "both":
		dtypes = []engine.DType{engine.Float64, engine.Float32}
	case "float64", "float32":
		dtypes = []engine.DType{engine.DType(*o.dtype)}
	default:
		return userErrorf("verify: unknown -dtype %q (want float64, float32 or both)", *o.dtype)
	}
	if *o.random < 0 || *o.random > 10_000_000 {
		return userErrorf("verify: -random must be between 0 and 10000000, got %d", *o.random)
	}
	if *o.steps < 0 || *o.steps > 100_000 {
		return userErrorf("verify: -steps must be between 0 and 100000, got %d", *o.steps)
	}
	if strings.HasSuffix(path, ".onnx") {
		return verifyONNX(path, o, dtypes, stdout)
	}
	if *o.random == 0 && *o.instances == "" {
		return userErrorf("verify: nothing to verify: give -random N and/or -instances DIR")
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	rep := &VerifyReport{Program: path, Scheme: *o.scheme.name}
	if fileDataProgram(f) {
		if *o.instances != "" {
			return userErrorf("verify: -instances is for programs with per-step inputs; check a data instance with dp2nn solve %s -instance F", path)
		}
		if *o.random == 0 {
			return userErrorf("verify: nothing to verify: give -random N")
		}
		if err := verifyDataRandom(path, f, o, dtypes, rep); err != nil {
			return err
		}
		return finishVerify(stdout, rep, dtypes, *o.json)
	}
	if *o.form != "cell" {
		return userErrorf("verify: -form goes with programs with data (a steps line); for %s export the form with dp2nn compile and verify the .onnx file", path)
	}
	if *o.random > 0 {
		m, err := dsl.Check(f, o.set)
		if err != nil {
			return err
		}
		opt, err := o.scheme.options(0)
		if err != nil {
			return err
		}
		if opt.Scheme == compile.Smooth {
			if *o.instances != "" || *o.json {
				return userErrorf("verify -scheme smooth checks random instances only, as text")
			}
			return verifySmooth(stdout, m, opt, *o.random, *o.seed, *o.steps)
		}
		net, err := lower(m, opt)
		if err != nil {
			return err
		}
		gen, genName := instance.RandomFor(m, *o.steps)
		rng := rand.New(rand.NewPCG(*o.seed, 0x9e3779b97f4a7c15))
		row := VerifyRow{Source: fmt.Sprintf("random %s, seed %d", genName, *o.seed), Params: paramString(m), MaxErr: map[string]float64{}}
		for i := 0; i < *o.random; i++ {
			steps := gen(rng)
			if err := checkFloat32Exact(net, string(dtypes[len(dtypes)-1]), steps); err != nil {
				return err
			}
			c, err := against(net, fmt.Sprintf("random #%d", i+1), steps, dtypes, nil)
			if err != nil {
				return fmt.Errorf("random instance %d: %v", i+1, err)
			}
			rep.add(&row, c)
		}
		rep.Rows = append(rep.Rows, row)
	}
	if *o.instances != "" {
		if err := verifyInstances(f, o, dtypes, rep); err != nil {
			return err
		}
	}
	return finishVerify(stdout, rep, dtypes, *o.json)
}

// finishVerify prints the report and turns mismatches into exit code 1.
func finishVerify(stdout io.Writer, rep *VerifyReport, dtypes []engine.DType, asJSON bool) error {
	if asJSON {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		printVerify(stdout, rep, dtypes)
	}
	if rep.Mismatches > 0 {
		return &mismatchError{fmt.Sprintf("%d mismatches between the network and the exact DP", rep.Mismatches)}
	}
	return nil
}

func (rep *VerifyReport) add(row *VerifyRow, c *verify.Case) {
	row.Cases++
	row.Steps += c.Steps
	for _, r := range c.Runs {
		if old, seen := row.MaxErr[r.Label]; !seen || r.MaxErr > old || math.IsNaN(r.MaxErr) {
			row.MaxErr[r.Label] = r.MaxErr
		}
	}
	if c.Undecidable != "" {
		row.Undecidable++
	}
	if c.Mismatch != "" {
		row.Mismatches++
		rep.Mismatches++
		if len(rep.Failures) < 20 {
			rep.Failures = append(rep.Failures, *c)
		}
	}
}

// instanceFiles lists the instance files of dir in name order.
func instanceFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, userErrorf("verify: -instances: %v", err)
	}
	var files []string
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || name == "optima.txt" || strings.HasPrefix(name, ".") {
			continue
		}
		if ext := filepath.Ext(name); ext == ".txt" || ext == ".json" {
			files = append(files, filepath.Join(dir, name))
		}
	}
	if len(files) == 0 {
		return nil, userErrorf("verify: -instances: no *.txt or *.json instance files in %s", dir)
	}
	sort.Strings(files)
	return files, nil
}

func verifyInstances(f *dsl.File, o *verifyOpts, dtypes []engine.DType, rep *VerifyReport) error {
	files, err := instanceFiles(*o.instances)
	if err != nil {
		return err
	}
	var optima map[string]int64
	if p := filepath.Join(*o.instances, "optima.txt"); fileExists(p) {
		if optima, err = instance.ReadOptima(p); err != nil {
			return &userError{err.Error()}
		}
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		row := VerifyRow{Source: name, MaxErr: map[string]float64{}}
		inst, err := instance.ReadInstanceFile(file)
		if err != nil {
			return &userError{err.Error()}
		}
		params, _, err := instance.Params(f, inst, o.set)
		if err != nil {
			return &userError{err.Error()}
		}
		m, err := dsl.Check(f, params)
		if err != nil {
			return err
		}
		row.Params = paramString(m)
		if n := estimateNeurons(m); n > *o.maxNeurons && *o.scheme.name == "exact" {
			row.Skipped = fmt.Sprintf("network would have about %d hidden neurons, above -max-neurons %d", n, *o.maxNeurons)
			rep.Rows = append(rep.Rows, row)
			continue
		}
		steps, err := instance.Bind(m, inst)
		if err != nil {
			row.Skipped = err.Error()
			rep.Rows = append(rep.Rows, row)
			continue
		}
		opt, err := o.scheme.options(len(steps))
		if err != nil {
			return err
		}
		net, err := lower(m, opt)
		if err != nil {
			return err
		}
		if err := checkFloat32Exact(net, string(dtypes[len(dtypes)-1]), steps); err != nil {
			return err
		}
		var known *float64
		if v, ok := optima[name]; ok {
			k := float64(v)
			known = &k
		}
		if why := notHeld(net, known); why != "" {
			row.Skipped = why
			rep.Rows = append(rep.Rows, row)
			continue
		}
		c, err := against(net, name, steps, dtypes, known)
		if err != nil {
			return fmt.Errorf("%s: %v", file, err)
		}
		row.Answer, row.Known = c.Exact, c.Known
		rep.add(&row, c)
		rep.Rows = append(rep.Rows, row)
	}
	return nil
}

// against compares a network with its ground truth: the exact DP, or the
// rounded DP and the guarantee for the fptas scheme.
func against(net *compile.Network, name string, steps [][]float64, dtypes []engine.DType, known *float64) (*verify.Case, error) {
	if net.Rounding != nil {
		return verify.AgainstRounded(net, name, steps, dtypes, known)
	}
	return verify.AgainstDP(net, name, steps, dtypes, known)
}

// notHeld says why an exact network cannot show a known answer: an index
// answer above the index range the network holds (with pmax = 20, an
// optimum of 35 decodes as 20).
func notHeld(net *compile.Network, known *float64) string {
	a := net.Model.Answer
	if net.Rounding != nil || a == nil || known == nil || a.Kind != dsl.AnswerMaxIndex || *known <= float64(a.Hi) {
		return ""
	}
	return fmt.Sprintf("known answer %g is above %d, the largest index of %s the network holds", *known, a.Hi, a.State.Name)
}

// estimateNeurons bounds the hidden neurons of the exact network before
// building it: the selection gadget makes at most one neuron per (cell,
// offset value) for each read, so cells × (largest input range + 2) per
// state is an upper estimate for one-offset programs.
func estimateNeurons(m *dsl.Model) int {
	span := 1.0
	for _, in := range m.Inputs {
		span = math.Max(span, in.Hi-in.Lo+1)
	}
	total := 0.0
	for _, s := range m.States {
		total += float64(s.Cells()) * (span + 2)
	}
	if total > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(total)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func printVerify(w io.Writer, rep *VerifyReport, dtypes []engine.DType) {
	switch {
	case rep.Against != "":
		fmt.Fprintf(w, "verify %s (scheme %s): %s\n", rep.Program, rep.Scheme, rep.Against)
	case rep.Scheme == "fptas":
		fmt.Fprintf(w, "verify %s (scheme fptas): network vs the rounded DP (exact rational arithmetic), every cell of every step; answer p_NN checked against (1 - n²/P)·OPT <= p_NN <= OPT\n", rep.Program)
	default:
		fmt.Fprintf(w, "verify %s (scheme %s): network vs exact DP (exact rational arithmetic), every state of every step\n", rep.Program, rep.Scheme)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	hdr := "source\tparams\tcases\tsteps"
	for _, d := range dtypes {
		hdr += fmt.Sprintf("\tmax|err| %s", d)
	}
	fmt.Fprintln(tw, hdr+"\tanswer\tknown\tmismatches")
	for _, r := range rep.Rows {
		line := fmt.Sprintf("%s\t%s\t%d\t%d", r.Source, r.Params, r.Cases, r.Steps)
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\tskipped: %s\n", line, r.Skipped)
			continue
		}
		for _, d := range dtypes {
			line += fmt.Sprintf("\t%.3g", r.MaxErr[string(d)])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", line, orDash(r.Answer), orDash(r.Known), r.Mismatches)
	}
	tw.Flush()
	printDataNotes(w, rep)
	for _, c := range rep.Failures {
		fmt.Fprintf(w, "MISMATCH %s: %s\n", c.Name, c.Mismatch)
	}
	fmt.Fprintf(w, "%d mismatches\n", rep.Mismatches)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
