package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["verify"] = func() *flag.FlagSet { fs, _ := verifyFlags(); return fs }
}

type verifyOpts struct {
	set       setFlag
	scheme    *schemeOpts
	random    *int
	seed      *uint64
	steps     *int
	instances *string
	dtype     *string
	limits    *limits
	json      *bool
	quiet     *bool
	runtime   *string
	form      *string
	given     map[string]bool
}

func verifyFlags() (*flag.FlagSet, *verifyOpts) {
	o := &verifyOpts{set: setFlag{}}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.Var(o.set, "set", "bind a param: NAME=INTEGER (repeatable); for -instances, unset params are chosen per instance")
	o.scheme = addSchemeFlags(fs, true)
	o.random = fs.Int("random", 0, "number of random instances, at least 1")
	o.seed = fs.Uint64("seed", 1, "seed of the random instances")
	o.steps = fs.Int("steps", 10, "steps per random instance, for programs with per-step inputs and no generator of their own")
	o.instances = fs.String("instances", "", "directory of instance files (*.txt, *.json) for a program with per-step inputs; optima.txt there gives known answers")
	o.dtype = fs.String("dtype", "both", "evaluation type: float64, float32 or both")
	o.limits = addLimits(fs)
	o.json = fs.Bool("json", false, "print JSON")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr")
	o.runtime = fs.String("runtime", "go", "for a .onnx model: go (own interpreter), ort (ONNX Runtime) or onnxgo")
	o.form = fs.String("form", "cell", "programs with data: run the cell once per step (cell) or the network unrolled over the steps (unrolled, settled cells computed once)")
	return fs, o
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	fs, o := verifyFlags()
	o.limits.stderr, o.limits.quiet = stderr, o.quiet
	path, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	o.given = given(fs)
	random := o.given["random"]
	if why := map[bool]string{true: "a check of no instance checks nothing", false: "run larger checks as several seeds"}[*o.random < 1]; random && (*o.random < 1 || *o.random > 10_000_000) {
		return userErrorf("verify: -random must be between 1 and 10000000, got %d (%s)", *o.random, why)
	}
	if *o.steps < 1 || *o.steps > 100_000 {
		return userErrorf("verify: -steps must be between 1 and 100000, got %d", *o.steps)
	}
	if !random && !o.given["instances"] {
		return userErrorf("verify: nothing to verify: give -random N and/or -instances DIR")
	}
	if strings.HasSuffix(path, ".onnx") {
		return verifyModel(path, o, stdout, stderr)
	}
	f, err := parseProgram(path)
	if err != nil {
		return err
	}
	data := f.HasData()
	o.scheme.data = data
	var m *dsl.Model
	if random {
		if m, err = dsl.Check(f, o.set); err != nil {
			return err
		}
	}
	req, err := o.scheme.request(fs, func(s compile.Scheme) []rule {
		smooth := s == compile.Smooth
		return []rule{
			{"runtime", false, "-runtime picks where a .onnx model runs; the network of a FILE.dp runs in the Go evaluator"},
			{"form", data, fmt.Sprintf("-form picks the form of a program with data (a steps line); for %s export the form with dp2nn compile and verify the .onnx file", path)},
			{"dtype", !smooth, "-scheme smooth is checked in float64"},
			{"instances", !data && !smooth, instancesWhy(path, data)},
			{"seed", random, "-seed seeds -random N"},
			{"steps", random && !data && verify.RandomGenerator(m) == "", stepsWhy(m, random, data, "")},
		}
	})
	if err != nil {
		return err
	}
	dtypes, err := engine.ParseDTypes(*o.dtype, false)
	if err != nil {
		return userErrorf("verify: %v", err)
	}
	files, optima, err := instanceFiles(o)
	if err != nil {
		return err
	}
	bar := progress.New(stderr, "verify", *o.random+len(files), progress.Options{Quiet: *o.quiet})
	defer bar.Finish()
	tick := func(int) { bar.Add(1) }
	rep := &verify.Report{Program: path, Scheme: req.Scheme.String(), Progress: tick}
	if data && m.Steps == 0 { // m is checked: a program with data is verified on -random N
		return userErrorf("verify: %s has data but no steps line; dp2nn runs programs with data for the number of steps their steps line gives", path)
	}
	if req.Scheme == compile.Smooth { // on random instances: -instances does not apply
		c, what, err := verify.SmoothRandom(m, req.Options, *o.random, *o.seed, *o.steps, verify.SmoothLimit{MaxMemory: o.limits.compile().Memory}, tick)
		if err != nil {
			return err
		}
		return finishSmooth(stdout, c, *o.json, what)
	}
	if data {
		if err := verifyData(m, o, req, dtypes, rep); err != nil {
			return err
		}
		return finishVerify(stdout, rep, dtypes, o, 0, "the network and the exact DP")
	}
	if random {
		opt, err := req.WithoutItems()
		if err != nil {
			return err
		}
		job := compile.Job{Steps: *o.steps, Batch: 1, DType: string(dtypes[0]), Truth: true}
		net, err := o.limits.lower("verify", m, opt, job)
		if err != nil {
			return err
		}
		if err := verify.Random(rep, net, dtypes, *o.random, *o.seed, *o.steps); err != nil {
			return err
		}
	}
	if len(files) > 0 {
		in := verify.FileSet{Files: files, Optima: optima, Set: o.set, Request: req, DTypes: dtypes, TooLarge: o.limits.tooLarge, MaxMemory: o.limits.compile().Memory}
		if err := verify.Instances(rep, f, in); err != nil {
			return err
		}
	}
	return finishVerify(stdout, rep, dtypes, o, len(files), "the network and the exact DP")
}

func instancesWhy(path string, data bool) string {
	if data {
		return fmt.Sprintf("-instances is for programs with per-step inputs; check a data instance with dp2nn solve %s -instance F", path)
	}
	return "-scheme smooth is checked on random instances (-random N)"
}

// stepsWhy says why -steps does not apply: fixed, when not "", says why
// a model's length is fixed.
func stepsWhy(m *dsl.Model, random, data bool, fixed string) string {
	switch {
	case !random:
		return "-steps is the length of random instances (-random N)"
	case data:
		return "a program with data runs for the steps of its steps line"
	case fixed != "":
		return fixed
	}
	return fmt.Sprintf("the random instances of %s come from its generator (%s), of their own length", m.Name, verify.RandomGenerator(m))
}

// instanceFiles lists the files of -instances DIR and its optima.txt; a
// directory without instance files is a check of nothing, which fails.
func instanceFiles(o *verifyOpts) ([]string, map[string]int64, error) {
	if !o.given["instances"] {
		return nil, nil, nil
	}
	return verify.InstanceDir(*o.instances)
}

// verifyData is "dp2nn verify FILE.dp -random N" for a program with data.
func verifyData(m *dsl.Model, o *verifyOpts, req compile.Request, dtypes []engine.DType, rep *verify.Report) error {
	opt, err := req.WithoutItems()
	if err != nil {
		return err
	}
	if opt.Scheme == compile.Smooth {
		return fmt.Errorf("verify: internal error: the smooth scheme of a program with data runs through verify.SmoothGraph")
	}
	if form := *o.form; form != "cell" && form != "unrolled" {
		return userErrorf("verify: unknown -form %q (want cell or unrolled; for the loop form export with dp2nn compile -form loop and verify the .onnx file)", form)
	}
	net, err := o.limits.lower("verify", m, opt, compile.Job{Form: *o.form, Batch: 1, DType: string(dtypes[0]), Truth: true})
	if err != nil {
		return err
	}
	return verify.DataRandom(rep, net, *o.form, dtypes, *o.random, *o.seed)
}

// verifyModel checks a model file written by "dp2nn compile": it rebuilds
// the network from the model's metadata, runs the file in the chosen
// runtime and compares every state it shows with the ground truth.
func verifyModel(path string, o *verifyOpts, stdout, stderr io.Writer) error {
	rt, err := engine.ParseRuntime(*o.runtime)
	if err != nil {
		return userErrorf("verify: -runtime: %v", err)
	}
	if b, err := os.ReadFile(path); err == nil && verify.IsSmoothGraphModel(b) {
		return verifySmoothGraph(path, b, rt, o, stdout, stderr)
	}
	model, err := export.Read(path)
	if err != nil {
		return &userError{err.Error()}
	}
	if model.Layout == export.Vector {
		return verifyRecurrence(path, model, rt, o, stdout, stderr)
	}
	net, err := engine.Recompile(model)
	if err != nil {
		return userErrorf("verify: %s: %v", path, err)
	}
	m, smooth := net.Original(), net.Smooth != nil
	data, random := m.Steps > 0 || len(m.Data) > 0, o.given["random"]
	own := "a .onnx model carries its own params and scheme"
	fixed := ""
	switch {
	case smooth:
		fixed = fmt.Sprintf("the smooth model runs its own %d steps", net.Steps)
	case model.Form == export.Unrolled:
		fixed = fmt.Sprintf("the unrolled model runs its own %d steps", model.Steps)
	}
	if err := refuse("verify", o.given, append(modelRules(own, fmt.Sprintf("a .onnx model has its own dtype (%s)", model.DType),
		fmt.Sprintf("a .onnx model has its own form (%s)", model.Form)),
		rule{"instances", !data && !smooth, instancesWhy(path, data)},
		rule{"seed", random, "-seed seeds -random N"},
		rule{"steps", random && !data && fixed == "" && verify.RandomGenerator(m) == "", stepsWhy(m, random, data, fixed)},
	)...); err != nil {
		return err
	}
	if _, trained := model.Metadata[verify.TrainedMark]; trained {
		return verifyTrained(path, rt, net, o, stdout, stderr)
	}
	if smooth && rt != engine.Go && rt != engine.ORT {
		return userErrorf("verify: the smooth model's gradient output needs -runtime go or ort")
	}
	files, optima, err := instanceFiles(o)
	if err != nil {
		return err
	}
	run, err := engine.Open(path, rt, net)
	if err != nil {
		return &userError{err.Error()}
	}
	defer run.Close()
	bar := progress.New(stderr, "verify", *o.random+len(files), progress.Options{Quiet: *o.quiet})
	defer bar.Finish()
	tick := func(int) { bar.Add(1) }
	if smooth {
		c, err := verify.SmoothModel(run, path, rt, net, *o.random, *o.seed, tick)
		if err != nil {
			return err
		}
		return finishSmooth(stdout, c, *o.json, "the smooth model and the smoothed-DP interpreter")
	}
	rep := &verify.Report{Program: fmt.Sprintf("%s (%s, %s layout, %s form, runtime %s)", path, m.Name, model.Layout, model.Form, rt), Scheme: net.Scheme.String(), Progress: tick}
	labels := []engine.DType{engine.DType(fmt.Sprintf("%s %s", rt, model.DType))}
	if data {
		if err := verify.ModelData(rep, run, net, *o.random, *o.seed); err != nil {
			return err
		}
		return finishVerify(stdout, rep, labels, o, 0, "the network and the exact DP")
	}
	if err := verify.Model(rep, run, net, *o.random, *o.seed, *o.steps, files, optima); err != nil {
		return err
	}
	return finishVerify(stdout, rep, labels, o, len(files), "the model and the ground truth")
}

// modelRules refuse the flags a .onnx model settles itself (own says
// why for the program's params and scheme; dtype and form why for
// theirs).
func modelRules(own, dtype, form string) []rule {
	built := "a .onnx model is built already"
	return []rule{{"set", false, own}, {"scheme", false, own}, {"P", false, own}, {"eps", false, own}, {"n", false, own}, {"reg", false, own},
		{"gamma", false, own}, {"dtype", false, dtype}, {"form", false, form}, {"max-neurons", false, built}, {"max-memory", false, built}}
}

// finishVerify prints the report and returns its verdict (Report.Err:
// mismatches between what, or nothing checked); files instance files
// that were all skipped fail too, though random instances were checked.
func finishVerify(stdout io.Writer, rep *verify.Report, labels []engine.DType, o *verifyOpts, files int, what string) error {
	if err := printReport(stdout, *o.json, rep, func(w io.Writer) { rep.WriteText(w, labels) }); err != nil {
		return err
	}
	if err := rep.Err(what); err != nil {
		return &verify.MismatchError{Msg: "verify: " + err.Error()}
	}
	if files > 0 && rep.Skipped == files {
		return &verify.MismatchError{Msg: fmt.Sprintf("verify: nothing of %s was checked: all %d instance files were skipped (the report says why)", *o.instances, files)}
	}
	return nil
}

func finishSmooth(stdout io.Writer, c *verify.SmoothCheck, asJSON bool, what string) error {
	if err := printReport(stdout, asJSON, c, c.WriteText); err != nil {
		return err
	}
	if err := c.Err(what); err != nil {
		return &verify.MismatchError{Msg: "verify: " + err.Error()}
	}
	return nil
}

// verifyRecurrence checks a model of the smooth scheme's loop form
// against package smooth's kernels (or the smoothed DP interpreter),
// with the params, regulariser, γ and fixed inputs the model records.
func verifyRecurrence(path string, model *export.Model, rt engine.Runtime, o *verifyOpts, stdout, stderr io.Writer) error {
	own := "a .onnx model carries its own params and scheme"
	if err := refuse("verify", o.given, append(modelRules(own, fmt.Sprintf("a .onnx model has its own dtype (%s)", model.DType),
		fmt.Sprintf("a .onnx model has its own form (%s)", model.Form)),
		rule{"instances", false, "a smooth model is checked on random scores (-random N)"},
		rule{"steps", false, fmt.Sprintf("the smooth model runs its own %d steps", model.Steps)},
		rule{"seed", o.given["random"], "-seed seeds -random N"},
	)...); err != nil {
		return err
	}
	if !o.given["random"] {
		return userErrorf("verify: a smooth model is checked on random scores: give -random N")
	}
	if rt != engine.Go && rt != engine.ORT {
		return userErrorf("verify: the loop form of the smooth scheme runs in -runtime go or ort (onnx-go has no Loop)")
	}
	rc, err := engine.RecompileRecurrence(model)
	if err != nil {
		return userErrorf("verify: %s: %v", path, err)
	}
	run, err := engine.Open(path, rt, nil)
	if err != nil {
		return &userError{err.Error()}
	}
	defer run.Close()
	bar := progress.New(stderr, "verify", *o.random, progress.Options{Quiet: *o.quiet})
	defer bar.Finish()
	c, err := verify.SmoothLoopModel(run, path, rt, rc, *o.random, *o.seed, func(int) { bar.Add(1) })
	if err != nil {
		return err
	}
	c.OpenSeconds = run.OpenTime.Seconds()
	return finishSmooth(stdout, c, *o.json, "the smooth model and package smooth")
}

// verifySmoothGraph checks the smooth graph of one instance (compile
// -scheme smooth of a program with data or a search answer) against
// smooth.Graph rebuilt from the program and instance its metadata
// records, at -random N random θ near the instance's.
func verifySmoothGraph(path string, b []byte, rt engine.Runtime, o *verifyOpts, stdout, stderr io.Writer) error {
	own := "the smooth graph model carries its own program, params, instance and scheme"
	// -max-memory bounds the graph rebuilt from the model's metadata.
	rules := slices.DeleteFunc(modelRules(own, "a .onnx model has its own dtype", "the smooth graph model has its own form (loop or unrolled)"), func(r rule) bool { return r.Flag == "max-memory" })
	if err := refuse("verify", o.given, append(rules,
		rule{"instances", false, "the smooth graph model is bound to its own instance; it is checked at random θ (-random N)"},
		rule{"steps", false, "the smooth graph model is bound to its own instance"},
	)...); err != nil {
		return err
	}
	if *o.random < 1 {
		return userErrorf("verify: %s is the smooth graph of one instance, checked at random θ near it: give -random N (N ≥ 1)", path)
	}
	info, g, err := verify.SmoothGraphSource(path, b, verify.SmoothLimit{MaxMemory: o.limits.compile().Memory})
	if err != nil {
		return userErrorf("verify: %v", err)
	}
	run, err := engine.OpenRaw(path, b, rt)
	if err != nil {
		return userErrorf("verify: %v", err)
	}
	defer run.Close()
	bar := progress.New(stderr, "verify", *o.random, progress.Options{Quiet: *o.quiet})
	defer bar.Finish()
	c, err := verify.SmoothGraphModel(run, path, info, g, *o.random, *o.seed, func(int) { bar.Add(1) })
	if err != nil {
		return err
	}
	return finishSmooth(stdout, c, *o.json, "the smooth graph model and smooth.Graph")
}
