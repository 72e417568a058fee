package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

// "dp2nn study width" runs study.Width, the empirical width study of
// Hertrich & Skutella (§5, Fig. 8): train nets on the knapsack DP step
// and find the smallest width reaching an MSE threshold per p*.

func init() {
	registerStudy(studyCmd{name: "width",
		args:    "[-pmax LO:HI:STEP|P,...] [-threshold T] [-wstep W] [-wmax W] [-seed S] [-o RESULTS.jsonl] [-md T.md] [-plot F.png] [-json] [-quiet] | -net P,W -onnx F.onnx [-seed S]",
		summary: "train ReLU nets on one knapsack DP step and fit the smallest width reaching a test MSE against p* (the paper's §5, Fig. 8); resumable with -o",
		flags:   func() *flag.FlagSet { fs, _ := widthFlags(); return fs },
		run:     runStudyWidth})
}

type widthOpts struct {
	pmax      *string
	threshold *float64
	wstep     *int
	wmax      *int
	seed      *uint64
	batch     *int
	batches   *int
	epochs    *int
	patience  *int
	test      *int
	pool      *int
	workers   *int
	out       *string
	md        *string
	plot      *string
	json      *bool
	quiet     *bool
	net       *string
	onnx      *string
	given     map[string]bool
}

func widthFlags() (*flag.FlagSet, *widthOpts) {
	o := &widthOpts{}
	fs := flag.NewFlagSet("study width", flag.ContinueOnError)
	o.pmax = fs.String("pmax", "3:30:3", fmt.Sprintf("the p* values: LO:HI:STEP or a comma-separated list (2..%d); the paper's grid is 3:75:3", study.MaxWidthPStar))
	o.threshold = fs.Float64("threshold", 0.005, "the test MSE a width must reach (the paper: 0.005; Appendix C: 0.0025, 0.00375)")
	o.wstep = fs.Int("wstep", 10, "widths tried: WSTEP, 2·WSTEP, ... (the paper: 25, too coarse below p* = 30, where the nets here need widths under 100)")
	o.wmax = fs.Int("wmax", 1000, fmt.Sprintf("the largest width tried for a p* (at most %d); a p* that does not reach the threshold by it shows as '> WMAX'", study.MaxWidth))
	o.seed = fs.Uint64("seed", 1, "seed of every net's initial weights and data streams (each (p*, w) gets its own, like the paper's 257·p*+w)")
	o.batch = fs.Int("batch", 32, "batch size (the paper: 32)")
	o.batches = fs.Int("batches", 1000, "batches per epoch (the paper: 1000)")
	o.epochs = fs.Int("epochs", 100, "at most this many epochs (the authors' code: 100)")
	o.patience = fs.Int("patience", 2, "stop after this many epochs without a lower training loss (the paper: 2)")
	o.test = fs.Int("test", 1000, "test batches (the paper: 1000)")
	o.pool = fs.Int("pool", study.DefaultPool, "shuffle buffer of the data streams, in points (the authors' code: one epoch)")
	o.workers = fs.Int("workers", 0, "p* values trained in parallel, one core each (0: one per core, GOMAXPROCS)")
	o.out = fs.String("o", "", "results file (one JSON line per trained net), appended as each net is done; a rerun with the same file skips the nets in it (same -seed and training flags)")
	o.md = fs.String("md", "", "also write the table as markdown to this file (atomically)")
	o.plot = fs.String("plot", "", "also draw the required width against p* with the quadratic fit and the compiled DP-NN's widest layer to this PNG file (atomically)")
	o.json = fs.Bool("json", false, "print JSON instead of the text table")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr")
	o.net = fs.String("net", "", "with -onnx: train only the net of p* P and width W (P,W), as the study trains it, instead of the study")
	o.onnx = fs.String("onnx", "", "with -net: write that trained net as an ONNX cell of examples/knapsack.dp (float64, dense), for dp2nn verify")
	return fs, o
}

func runStudyWidth(args []string, stdout, stderr io.Writer) error {
	fs, o := widthFlags()
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return userErrorf("study width: takes no arguments besides flags, got %q", strings.Join(pos, " "))
	}
	o.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.given[f.Name] = true })
	if o.given["net"] || o.given["onnx"] {
		return runWidthNet(o, stdout, stderr)
	}
	c, err := o.config()
	if err != nil {
		return err
	}
	for _, path := range []string{*o.md, *o.plot} {
		if err := checkStudyOutput(path); err != nil {
			return err
		}
	}
	var results *os.File
	if *o.out != "" {
		if results, c.Done, err = openWidthResults(*o.out, c.Key(), stderr); err != nil {
			return err
		}
		defer results.Close()
	}
	bar := progress.New(stderr, "study width", len(c.PStars), progress.Options{Quiet: *o.quiet})
	var mu sync.Mutex
	c.OnPoint = func(p study.WidthPoint) error {
		if !*o.quiet {
			mu.Lock()
			fmt.Fprintf(stderr, "study width: p* = %d, width %d: test MSE %.5f after %d epochs (%.0f s)\n", p.PStar, p.Width, p.TestMSE, p.Epochs, p.Seconds)
			mu.Unlock()
		}
		if results == nil {
			return nil
		}
		return appendWidthPoint(results, p)
	}
	c.OnPStar = func(int) { bar.Add(1) }
	rep, err := study.Width(c)
	bar.Finish()
	if err != nil {
		return err
	}
	if *o.md != "" {
		var b bytes.Buffer
		rep.WriteMarkdown(&b)
		if err := writeFileAtomic(*o.md, b.Bytes()); err != nil {
			return err
		}
	}
	if *o.plot != "" {
		png, err := rep.Plot()
		if err != nil {
			return err
		}
		if err := writeFileAtomic(*o.plot, png); err != nil {
			return err
		}
	}
	if *o.json {
		return writeJSON(stdout, rep)
	}
	rep.WriteText(stdout)
	return nil
}

// config turns the flags into the study's configuration.
func (o *widthOpts) config() (study.WidthConfig, error) {
	c := study.WidthConfig{Threshold: *o.threshold, WStep: *o.wstep, WMax: *o.wmax, Seed: *o.seed, Pool: *o.pool, Workers: *o.workers}
	var err error
	if c.PStars, err = parseRange("-pmax", *o.pmax, 2, study.MaxWidthPStar); err != nil {
		return c, err
	}
	if t := c.Threshold; !(t > 0) || math.IsInf(t, 0) {
		return c, userErrorf("study width: -threshold must be a positive number, got %v", t)
	}
	if c.WStep < 1 || c.WStep > study.MaxWidth {
		return c, userErrorf("study width: -wstep must be between 1 and %d, got %d", study.MaxWidth, c.WStep)
	}
	if c.WMax < c.WStep || c.WMax > study.MaxWidth {
		return c, userErrorf("study width: -wmax must be between -wstep (%d) and %d, got %d", c.WStep, study.MaxWidth, c.WMax)
	}
	for _, f := range []struct {
		name   string
		v, max int
	}{{"batch", *o.batch, 1 << 16}, {"batches", *o.batches, 1 << 24}, {"epochs", *o.epochs, 1 << 16}, {"patience", *o.patience, 1 << 16},
		{"test", *o.test, 1 << 24}, {"pool", *o.pool, 1 << 22}} {
		if f.v < 1 || f.v > f.max {
			return c, userErrorf("study width: -%s must be between 1 and %d, got %d", f.name, f.max, f.v)
		}
	}
	if c.Workers < 0 || c.Workers > 1024 {
		return c, userErrorf("study width: -workers must be between 0 (one per core) and 1024, got %d", c.Workers)
	}
	c.Protocol.BatchSize, c.Protocol.BatchesPerEpoch, c.Protocol.MaxEpochs = *o.batch, *o.batches, *o.epochs
	c.Protocol.Patience, c.Protocol.TestBatches = *o.patience, *o.test
	if err := c.Check(); err != nil {
		return c, userErrorf("study width: %v", err)
	}
	return c, nil
}

// parseRange reads LO:HI:STEP (HI included; STEP 1 when left out) or a
// comma-separated list of integers in lo..hi.
func parseRange(flagName, s string, lo, hi int) ([]int, error) {
	if !strings.Contains(s, ":") {
		return parseIntList(flagName, s, lo, hi)
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return nil, userErrorf("study: %s: want LO:HI:STEP, got %q", flagName, s)
	}
	var v [3]int
	v[2] = 1
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, userErrorf("study: %s: %q is not an integer", flagName, p)
		}
		v[i] = n
	}
	switch {
	case v[0] < lo || v[1] > hi:
		return nil, userErrorf("study: %s: %s must lie in %d..%d", flagName, s, lo, hi)
	case v[1] < v[0]:
		return nil, userErrorf("study: %s: %s: HI is below LO", flagName, s)
	case v[2] < 1:
		return nil, userErrorf("study: %s: %s: STEP must be at least 1", flagName, s)
	}
	var out []int
	for x := v[0]; x <= v[1]; x += v[2] {
		out = append(out, x)
	}
	return out, nil
}

// openWidthResults reads the results of an earlier run from path (if it
// exists) and opens it for appending. A last line cut short (a run
// killed while writing it) is dropped.
func openWidthResults(path, key string, stderr io.Writer) (*os.File, []study.WidthPoint, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = nil
	case err != nil:
		return nil, nil, userErrorf("study width: -o: %v", err)
	}
	keep := len(data)
	if keep > 0 && data[keep-1] != '\n' {
		keep = bytes.LastIndexByte(data, '\n') + 1
		fmt.Fprintf(stderr, "study width: %s: dropping its unfinished last line\n", path)
	}
	points, err := study.ReadWidthPoints(bytes.NewReader(data[:keep]), path)
	if err != nil {
		return nil, nil, userErrorf("study width: -o: %v", err)
	}
	for _, p := range points {
		if p.Key != key {
			return nil, nil, userErrorf("study width: -o: %s holds nets trained with other settings (%s), not %s: give another file or the same -seed and training flags", path, p.Key, key)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, userErrorf("study width: -o: %v", err)
	}
	if err := f.Truncate(int64(keep)); err != nil {
		f.Close()
		return nil, nil, userErrorf("study width: -o: %v", err)
	}
	if _, err := f.Seek(int64(keep), io.SeekStart); err != nil {
		f.Close()
		return nil, nil, userErrorf("study width: -o: %v", err)
	}
	return f, points, nil
}

// appendWidthPoint writes one result line and syncs it, so a killed run
// keeps every net it finished.
func appendWidthPoint(f *os.File, p study.WidthPoint) error {
	line, err := jsonLine(p)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("study width: -o: %v", err)
	}
	return f.Sync()
}

// jsonLine is v as one line of JSON.
func jsonLine(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// runWidthNet trains one net of the study and exports it (-net, -onnx).
func runWidthNet(o *widthOpts, stdout, stderr io.Writer) error {
	why := "-net P,W -onnx F trains one net, not the study"
	if err := refuse("study width", o.given, rule{"pmax", false, why}, rule{"threshold", false, why}, rule{"wstep", false, why},
		rule{"wmax", false, why}, rule{"workers", false, why}, rule{"o", false, why}, rule{"md", false, why}, rule{"plot", false, why}); err != nil {
		return err
	}
	if *o.net == "" || *o.onnx == "" {
		return userErrorf("study width: -net and -onnx go together: -net P,W -onnx FILE.onnx")
	}
	pw, err := parseIntList("-net", *o.net, 1, study.MaxWidth)
	if err != nil {
		return err
	}
	if len(pw) != 2 || pw[0] < 2 || pw[0] > study.MaxWidthPStar {
		return userErrorf("study width: -net: want P,W with P in 2..%d and W in 1..%d, got %q", study.MaxWidthPStar, study.MaxWidth, *o.net)
	}
	if err := checkStudyOutput(*o.onnx); err != nil {
		return err
	}
	*o.pmax, *o.wstep, *o.wmax = strconv.Itoa(pw[0]), pw[1], pw[1]
	c, err := o.config()
	if err != nil {
		return err
	}
	if !*o.quiet {
		fmt.Fprintf(stderr, "study width: training the net of p* = %d, width %d (seed %d)\n", pw[0], pw[1], c.Seed)
	}
	pt, err := study.ExportTrained(c, pw[0], pw[1], *o.onnx)
	if err != nil {
		return fmt.Errorf("study width: -onnx: %v", err)
	}
	if *o.json {
		return writeJSON(stdout, pt)
	}
	fmt.Fprintf(stdout, "p* = %d, width %d: test MSE %.5f after %d epochs (%.0f s); exact optima as an RNN cell %.1f%% of %d; wrote %s\n",
		pt.PStar, pt.Width, pt.TestMSE, pt.Epochs, pt.Seconds, 100**pt.Optimum, study.OptimumInstances, *o.onnx)
	return nil
}

// verifyTrained runs "dp2nn verify" on a trained model (study width
// -onnx): how often it answers exactly, beside the compiled network.
func verifyTrained(path string, rt engine.Runtime, net *compile.Network, o *verifyOpts, stdout, stderr io.Writer) error {
	why := "a trained model is checked on random instances of its program's generator"
	if err := refuse("verify", o.given, rule{"instances", false, why}); err != nil {
		return err
	}
	if *o.random < 1 {
		return userErrorf("verify: %s is a trained model: give -random N (N >= 1)", path)
	}
	run, err := engine.Open(path, rt, net)
	if err != nil {
		return &userError{err.Error()}
	}
	defer run.Close()
	bar := progress.New(stderr, "verify", *o.random, progress.Options{Quiet: *o.quiet})
	rep, err := verify.Trained(run, net, *o.random, *o.seed, *o.steps, func(int) { bar.Add(1) })
	bar.Finish()
	if err != nil {
		return err
	}
	rep.Model = fmt.Sprintf("%s (runtime %s)", path, rt)
	if err := printReport(stdout, *o.json, rep, rep.WriteText); err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		return &verify.MismatchError{Msg: "verify: " + err.Error()}
	}
	return nil
}
