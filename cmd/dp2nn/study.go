package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/truth/knapsack"
)

// "dp2nn study fptas" measures the FPTAS-NN of Hertrich & Skutella through
// the compiled network: for every instance and P it runs the cell compiled
// with -scheme fptas in the Go evaluator (float64), decodes p_NN, checks
// that it equals the rounded DP of truth/knapsack exactly, and compares
// it with the exact optimum.

func init() {
	flagSets["study"] = func() *flag.FlagSet { fs, _ := studyFlags(); return fs }
}

// Limits of the study's inputs: beyond them the exact solvers or the
// decode tolerance stop being the right tools (see validate).
const (
	studyMaxN   = 10_000
	studyMaxR   = 1_000_000
	studyMaxPer = 10_000
	// studyBatch instances of one length run together, one batch row each:
	// the evaluator keeps 8 rows in registers.
	studyBatch = 8
	// studyFraction is the capacity of a generated instance as a fraction
	// of its total weight (Pisinger's middle test of a series).
	studyFraction = 0.5
)

const lowdimFamily = "lowdim"

var studyFamilies = append([]string{lowdimFamily}, familyNames()...)

func familyNames() []string {
	var out []string
	for _, f := range knapsack.Families {
		out = append(out, string(f))
	}
	return out
}

type studyOpts struct {
	program  *string
	set      setFlag
	families *string
	ns       *string
	ps       *string
	per      *int
	seed     *uint64
	r        *int64
	lowdim   *string
	json     *bool
	out      *string
	plot     *string
}

func studyFlags() (*flag.FlagSet, *studyOpts) {
	o := &studyOpts{set: setFlag{}}
	fs := flag.NewFlagSet("study", flag.ContinueOnError)
	o.program = fs.String("program", "examples/knapsack.dp", "the program compiled with -scheme fptas (its inputs are read from each instance by name: profit, weight, size)")
	fs.Var(o.set, "set", "bind a param of the program: NAME=INTEGER (repeatable); unset params come from the instances as in solve, an index bound like pmax taking its largest value over all instances")
	o.families = fs.String("families", strings.Join(studyFamilies, ","), "comma-separated families: lowdim (the files of -lowdim) and Pisinger's "+strings.Join(familyNames(), ", "))
	o.ns = fs.String("n", "10,30,100,300,1000", fmt.Sprintf("comma-separated numbers of items of the generated instances (1..%d)", studyMaxN))
	o.ps = fs.String("P", "5,10,20,50,100,200", "comma-separated table sizes P of the FPTAS-NN (width 2P²+2P)")
	o.per = fs.Int("per", 8, "generated instances per family and n; they run through the network in batches of 8, which cost about what 3 single runs do")
	o.seed = fs.Uint64("seed", 1, "instance k (0-based) of a family and n is knapsack.Generate(spec, seed+k)")
	o.r = fs.Int64("R", 1000, fmt.Sprintf("data range of the generated instances: weights in 1..R (1..%d); capacity ⌊Σw/2⌋", studyMaxR))
	o.lowdim = fs.String("lowdim", "testdata/lowdim", "directory of the lowdim instances (*.txt) and their optima.txt")
	o.json = fs.Bool("json", false, "print JSON instead of the text table")
	o.out = fs.String("o", "", "also write the table as markdown to this file (atomically)")
	o.plot = fs.String("plot", "", "also draw p_NN/OPT and the width against P to this PNG file (atomically)")
	return fs, o
}

// StudyReport is the JSON output of "dp2nn study fptas".
type StudyReport struct {
	Study    string   `json:"study"`
	Program  string   `json:"program"`
	Params   string   `json:"params"`
	Families []string `json:"families"`
	N        []int    `json:"n"`
	P        []int    `json:"P"`
	Per      int      `json:"per"`
	Seed     uint64   `json:"seed"`
	R        int64    `json:"R"`
	Fraction float64  `json:"capacity_fraction"`
	Lowdim   string   `json:"lowdim,omitempty"`
	// Instances is the number of instances; Runs the number of (instance,
	// P) pairs, on each of which the network's p_NN equalled the rounded
	// DP's.
	Instances  int        `json:"instances"`
	Runs       int        `json:"runs"`
	Violations int        `json:"violations"`
	Rows       []StudyRow `json:"rows"`
}

// StudyRow summarises one family, n and P.
type StudyRow struct {
	Family string `json:"family"`
	// N is the number of items of the generated instances (before items
	// heavier than the capacity are dropped); for lowdim the largest n
	// and NMin the smallest.
	N      int   `json:"n"`
	NMin   int   `json:"n_min,omitempty"`
	P      int   `json:"P"`
	Depth  int   `json:"depth"`
	Widths []int `json:"widths"` // hidden layer widths of the compiled cell
	Width  int   `json:"width"`  // the largest of them
	// Instances counts the instances; Bound is 1 − N²/P, the guaranteed
	// ratio (vacuous when ≤ 0); Worst and Mean are the smallest and the
	// mean p_NN/OPT (1 when OPT = 0); Exact counts p_NN = OPT.
	Instances int     `json:"instances"`
	Bound     float64 `json:"bound"`
	Worst     float64 `json:"worst"`
	Mean      float64 `json:"mean"`
	Exact     int     `json:"exact"`
	// Violations counts instances where knapsack.CheckGuarantee failed
	// (with the instance's own n); FirstViolation says the first.
	Violations     int    `json:"violations"`
	FirstViolation string `json:"first_violation,omitempty"`
}

// studyInstance is one instance with what every P needs.
type studyInstance struct {
	in    knapsack.Instance // without the items heavier than the capacity
	group int
	opt   int64
	net   string      // key of its network in studyNets
	steps [][]float64 // the program's step inputs
}

// studyGroup is the instances of one family and n: the rows for every P.
type studyGroup struct {
	family  string
	n, nMin int
	members []int
}

// studyResult is one instance at one P.
type studyResult struct {
	ratio     float64
	exact     bool
	violation string
}

func runStudy(args []string, stdout io.Writer) error {
	fs, o := studyFlags()
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "fptas" {
		return userErrorf("study: want 'dp2nn study fptas' (the one study there is), got %q", strings.Join(pos, " "))
	}
	cfg, err := o.validate()
	if err != nil {
		return err
	}
	for _, path := range []string{*o.out, *o.plot} {
		if err := checkStudyOutput(path); err != nil {
			return err
		}
	}
	rep, err := cfg.run()
	if err != nil {
		return err
	}
	if *o.out != "" {
		var b bytes.Buffer
		writeStudyMarkdown(&b, rep)
		if err := writeFileAtomic(*o.out, b.Bytes()); err != nil {
			return err
		}
	}
	if *o.plot != "" {
		png, err := studyPlot(rep)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(*o.plot, png); err != nil {
			return err
		}
	}
	if *o.json {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		printStudy(stdout, rep)
	}
	if rep.Violations > 0 {
		return &mismatchError{fmt.Sprintf("%d violations of the guarantee (1 - n²/P)·OPT <= p_NN <= OPT", rep.Violations)}
	}
	return nil
}

// studyConfig is the validated flags.
type studyConfig struct {
	program  string
	set      map[string]int64
	families []string
	ns, ps   []int
	per      int
	seed     uint64
	r        int64
	lowdim   string
	// lowdimOptima is optima.txt of lowdim, by instance name.
	lowdimOptima map[string]int64
}

func (o *studyOpts) validate() (*studyConfig, error) {
	c := &studyConfig{program: *o.program, set: o.set, per: *o.per, seed: *o.seed, r: *o.r}
	var err error
	if c.families, err = parseNameList("-families", *o.families, studyFamilies); err != nil {
		return nil, err
	}
	if c.ns, err = parseIntList("-n", *o.ns, 1, studyMaxN); err != nil {
		return nil, err
	}
	if c.ps, err = parseIntList("-P", *o.ps, 1, compile.MaxFPTASTable); err != nil {
		return nil, err
	}
	if c.per < 1 || c.per > studyMaxPer {
		return nil, userErrorf("study: -per must be between 1 and %d, got %d", studyMaxPer, c.per)
	}
	if c.r < 1 || c.r > studyMaxR {
		return nil, userErrorf("study: -R must be between 1 and %d, got %d", studyMaxR, c.r)
	}
	if slices.Contains(c.families, lowdimFamily) {
		if *o.lowdim == "" {
			return nil, userErrorf("study: family lowdim needs -lowdim DIR")
		}
		c.lowdim = *o.lowdim
	}
	return c, nil
}

func parseNameList(flagName, s string, known []string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(known, f) {
			return nil, userErrorf("study: %s: unknown family %q (want %s)", flagName, f, strings.Join(known, ", "))
		}
		if slices.Contains(out, f) {
			return nil, userErrorf("study: %s: %s is listed twice", flagName, f)
		}
		out = append(out, f)
	}
	return out, nil
}

func parseIntList(flagName, s string, lo, hi int) ([]int, error) {
	name := strings.TrimPrefix(flagName, "-")
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, userErrorf("study: %s: %q is not an integer", flagName, f)
		}
		if v < lo || v > hi {
			if v < lo {
				return nil, userErrorf("study: %s: %s must be at least %d, got %d", flagName, name, lo, v)
			}
			return nil, userErrorf("study: %s: %s must be at most %d, got %d", flagName, name, hi, v)
		}
		if slices.Contains(out, v) {
			return nil, userErrorf("study: %s: %d is listed twice", flagName, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// studyNets holds the networks, by params key and P.
type studyNets map[string]map[int]*compile.Network

func (c *studyConfig) run() (*StudyReport, error) {
	f, err := parseProgram(c.program)
	if err != nil {
		return nil, err
	}
	rep := &StudyReport{Study: "fptas", Program: c.program, Families: c.families, N: c.ns, P: c.ps, Per: c.per,
		Seed: c.seed, R: c.r, Fraction: studyFraction, Lowdim: c.lowdim}
	insts, groups, err := c.instances()
	if err != nil {
		return nil, err
	}
	// Exact optima, once per instance.
	err = forEachParallel(len(insts), func(i int) error {
		in := insts[i].in
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		if err != nil {
			return userErrorf("study: %s: no exact optimum: %v", in.Name, err)
		}
		insts[i].opt = opt
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.family != lowdimFamily {
			continue
		}
		for _, i := range g.members {
			if want, ok := c.lowdimOptima[insts[i].in.Name]; !ok || want != insts[i].opt {
				return nil, fmt.Errorf("study: %s: the exact solvers give %d, optima.txt %d", insts[i].in.Name, insts[i].opt, want)
			}
		}
	}
	nets, params, err := c.networks(f, insts)
	if err != nil {
		return nil, err
	}
	rep.Params = params
	// One job per group and P, the largest first so that the workers
	// finish together.
	type job struct{ group, p int }
	var jobs []job
	for g := range groups {
		for p := range c.ps {
			jobs = append(jobs, job{g, p})
		}
	}
	cost := func(j job) float64 {
		return float64(groups[j.group].n*len(groups[j.group].members)) * float64(c.ps[j.p]) * float64(c.ps[j.p])
	}
	sort.SliceStable(jobs, func(a, b int) bool { return cost(jobs[a]) > cost(jobs[b]) })
	results := make([][]studyResult, len(groups)*len(c.ps)) // [group·len(ps)+p][member]
	err = forEachParallel(len(jobs), func(k int) error {
		j := jobs[k]
		res, err := studyRun(insts, groups[j.group].members, nets, c.ps[j.p])
		results[j.group*len(c.ps)+j.p] = res
		return err
	})
	if err != nil {
		return nil, err
	}
	rep.Instances = len(insts)
	for g, grp := range groups {
		for p, P := range c.ps {
			net := nets[insts[grp.members[0]].net][P]
			st := net.Cell.Stats()
			row := StudyRow{Family: grp.family, N: grp.n, NMin: grp.nMin, P: P, Depth: st.Depth, Widths: st.Widths, Width: st.Width(),
				Bound: 1 - float64(grp.n)*float64(grp.n)/float64(P), Worst: 1}
			var sum float64
			for k, r := range results[g*len(c.ps)+p] {
				row.Instances++
				row.Worst = min(row.Worst, r.ratio)
				sum += r.ratio
				if r.exact {
					row.Exact++
				}
				if r.violation != "" {
					if row.Violations == 0 {
						row.FirstViolation = fmt.Sprintf("%s: %s", insts[grp.members[k]].in.Name, r.violation)
					}
					row.Violations++
				}
			}
			if row.Instances > 0 {
				row.Mean = sum / float64(row.Instances)
			}
			rep.Runs += row.Instances
			rep.Violations += row.Violations
			rep.Rows = append(rep.Rows, row)
		}
	}
	return rep, nil
}

// instances reads or draws every instance, dropping the items heavier
// than the capacity (the guarantee needs them gone; no solution uses
// them), and groups them by family and n.
func (c *studyConfig) instances() ([]studyInstance, []studyGroup, error) {
	var insts []studyInstance
	var groups []studyGroup
	for _, fam := range c.families {
		if fam == lowdimFamily {
			lows, err := c.readLowdim()
			if err != nil {
				return nil, nil, err
			}
			g := studyGroup{family: fam, nMin: math.MaxInt}
			for _, in := range lows {
				g.n, g.nMin = max(g.n, in.Len()), min(g.nMin, in.Len())
				g.members = append(g.members, len(insts))
				insts = append(insts, studyInstance{in: in.Fitting(), group: len(groups)})
			}
			groups = append(groups, g)
			continue
		}
		for _, n := range c.ns {
			g := studyGroup{family: fam, n: n}
			spec := knapsack.Spec{Family: knapsack.Family(fam), N: n, R: c.r, Fraction: studyFraction}
			for k := range c.per {
				in := knapsack.Generate(spec, c.seed+uint64(k))
				g.members = append(g.members, len(insts))
				insts = append(insts, studyInstance{in: in.Fitting(), group: len(groups)})
			}
			groups = append(groups, g)
		}
	}
	return insts, groups, nil
}

// readLowdim reads the *.txt instances of c.lowdim in name order and
// optima.txt there.
func (c *studyConfig) readLowdim() ([]knapsack.Instance, error) {
	files, err := filepath.Glob(filepath.Join(c.lowdim, "*.txt"))
	if err != nil {
		return nil, userErrorf("study: -lowdim: %v", err)
	}
	slices.Sort(files)
	optPath := filepath.Join(c.lowdim, "optima.txt")
	data, err := os.ReadFile(optPath)
	if err != nil {
		return nil, userErrorf("study: -lowdim: %v (run from the repository root, or give -lowdim DIR, or leave lowdim out of -families)", err)
	}
	c.lowdimOptima, err = knapsack.ReadOptima(optPath, bytes.NewReader(data))
	if err != nil {
		return nil, userErrorf("study: %v", err)
	}
	var out []knapsack.Instance
	for _, file := range files {
		if filepath.Base(file) == "optima.txt" {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, userErrorf("study: %v", err)
		}
		in, err := knapsack.ReadInstance(file, bytes.NewReader(data))
		if err != nil {
			return nil, userErrorf("study: %v", err)
		}
		in.Name = strings.TrimSuffix(filepath.Base(file), ".txt")
		if _, ok := c.lowdimOptima[in.Name]; !ok {
			return nil, userErrorf("study: %s: no optimum for %s in %s", file, in.Name, optPath)
		}
		out = append(out, in)
	}
	if len(out) == 0 {
		return nil, userErrorf("study: -lowdim: no *.txt instances in %s", c.lowdim)
	}
	return out, nil
}

// networks binds every instance to the program and lowers one network per
// distinct params and P. Params come from the instance as in solve; a
// param that bounds an int input's range (pmax for the profit) takes its
// largest value over all instances, since the FPTAS-NN does not depend on
// it and one network then serves every instance.
func (c *studyConfig) networks(f *dsl.File, insts []studyInstance) (studyNets, string, error) {
	vinsts := make([]*instance.Instance, len(insts))
	params := make([]map[string]int64, len(insts))
	widest := map[string]int64{}
	for i := range insts {
		vinsts[i] = programInstance(insts[i].in)
		p, _, err := instance.Params(f, vinsts[i], c.set)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", insts[i].in.Name, err)
		}
		params[i] = p
		for name, v := range p {
			if _, given := c.set[name]; !given && boundsIntInput(f, name) {
				widest[name] = max(widest[name], v)
			}
		}
	}
	nets := studyNets{}
	models := map[string]*dsl.Model{}
	var keys []string
	for i := range insts {
		ps := params[i]
		for name, v := range widest {
			ps[name] = v
		}
		key := setFlag(ps).String()
		m, ok := models[key]
		if !ok {
			var err error
			if m, err = dsl.Check(f, ps); err != nil {
				return nil, "", err
			}
			models[key] = m
			keys = append(keys, key)
		}
		steps, err := instance.Bind(m, vinsts[i])
		if err != nil {
			return nil, "", &userError{err.Error()}
		}
		insts[i].net, insts[i].steps = key, steps
	}
	for _, key := range keys {
		nets[key] = map[int]*compile.Network{}
		for _, P := range c.ps {
			net, err := lower(models[key], compile.Options{Scheme: compile.FPTAS, P: P})
			if err != nil {
				return nil, "", err
			}
			nets[key][P] = net
		}
	}
	summary := keys[0]
	if len(keys) > 1 {
		summary = fmt.Sprintf("%d networks per P (params differ between instances)", len(keys))
	}
	return nets, summary, nil
}

// boundsIntInput says whether param name is the upper end of an int
// input's range ("input profit int in 1..pmax").
func boundsIntInput(f *dsl.File, name string) bool {
	for _, d := range f.Inputs {
		if hi, ok := d.Range.Hi.(*dsl.Name); ok && d.Type == dsl.Int && hi.Ident.Name == name {
			return true
		}
	}
	return false
}

// programInstance gives a knapsack instance the form the CLI's programs
// read: per item profit, weight and size = weight/capacity (float64, as
// Instance.Sizes rounds it), scalars capacity and n.
func programInstance(in knapsack.Instance) *instance.Instance {
	sizes := in.Sizes()
	if in.Capacity == 0 { // only weightless items remain after Fitting
		sizes = make([]float64, in.Len())
	}
	v := &instance.Instance{Name: in.Name, Source: in.Name, StepNoun: "item",
		Scalars: map[string]float64{"capacity": float64(in.Capacity), "n": float64(in.Len())}}
	for i := range in.Profits {
		v.Steps = append(v.Steps, map[string]float64{"profit": float64(in.Profits[i]), "weight": float64(in.Weights[i]), "size": sizes[i]})
		v.StepLines = append(v.StepLines, 0)
	}
	return v
}

// studyRun runs the network of P on the members, batched by network and
// length, and checks each p_NN against the rounded DP and the optimum.
func studyRun(insts []studyInstance, members []int, nets studyNets, P int) ([]studyResult, error) {
	res := make([]studyResult, len(members))
	type batchKey struct {
		net   string
		steps int
	}
	batches := map[batchKey][]int{} // positions in members
	var order []batchKey
	for k, i := range members {
		bk := batchKey{insts[i].net, len(insts[i].steps)}
		if _, ok := batches[bk]; !ok {
			order = append(order, bk)
		}
		batches[bk] = append(batches[bk], k)
	}
	for _, bk := range order {
		net := nets[bk.net][P]
		r, err := compile.NewRunner[float64](net)
		if err != nil {
			return nil, err
		}
		tol := net.DecodeTolerance(compile.Float64Roundoff, bk.steps)
		all := batches[bk]
		for len(all) > 0 {
			chunk := all[:min(studyBatch, len(all))]
			all = all[len(chunk):]
			in := make([][][]float64, len(chunk))
			for b, k := range chunk {
				in[b] = insts[members[k]].steps
			}
			final, err := r.RunBatch(in)
			if err != nil {
				return nil, err
			}
			for b, k := range chunk {
				if res[k], err = studyCheck(net, &insts[members[k]], final[b], tol); err != nil {
					return nil, err
				}
			}
		}
	}
	return res, nil
}

// studyCheck decodes p_NN from the network's final state, requires it to
// equal the rounded DP's exactly and measures it against the optimum.
//
// The reference is knapsack.FPTASWeights, the rounded DP on the integer
// weights: every comparison exact. The network adds float64 sizes w/C; it
// stays within DecodeTolerance (16·n·2^-53·2) of the exact table, far
// below 1/C, the smallest gap between distinct exact values, so its
// decoder, which allows that tolerance at the threshold 1, finds the same
// index. (The float reference knapsack.FPTAS compares its own rounded sums
// with 1 strictly and can flip a set of weight exactly C.)
func studyCheck(net *compile.Network, si *studyInstance, final [][]float64, tol float64) (studyResult, error) {
	in := si.in
	P := net.Rounding.P
	ans, err := net.Decode(final, tol)
	if err != nil {
		return studyResult{}, err
	}
	ref, err := knapsack.FPTASWeights(in.Profits, in.Weights, max(in.Capacity, 1), P)
	if err != nil {
		return studyResult{}, fmt.Errorf("study: %s: %v", in.Name, err)
	}
	want := ref.Value()
	wantF, _ := want.Float64()
	total := final[len(final)-1][0] // the running total of the profits
	var sum int64
	for _, p := range in.Profits {
		sum += p
	}
	n := in.Len()
	if !ans.Found || ans.Index != ref.Index || total != float64(sum) || ans.Value != wantF {
		return studyResult{}, &mismatchError{fmt.Sprintf("study: %s, P = %d: the network gives p_NN = %s (table index %d, running total %g), the rounded DP %s (index %d, profit sum %d)",
			in.Name, P, ans, ans.Index, total, want.RatString(), ref.Index, sum)}
	}
	r := studyResult{ratio: 1, exact: want.Cmp(new(big.Rat).SetInt64(si.opt)) == 0}
	if si.opt > 0 {
		r.ratio, _ = new(big.Rat).Quo(want, new(big.Rat).SetInt64(si.opt)).Float64()
	}
	if err := knapsack.CheckGuarantee(want, si.opt, n, P); err != nil {
		r.violation = err.Error()
	}
	return r, nil
}

// forEachParallel calls do(0..n-1) on GOMAXPROCS goroutines and returns the
// first error; after an error the remaining calls are skipped.
func forEachParallel(n int, do func(i int) error) error {
	var (
		mu    sync.Mutex
		first error
		next  int
		wg    sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if first != nil || next >= n {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			for {
				i, ok := take()
				if !ok {
					return
				}
				if err := do(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}

// checkStudyOutput fails early, before the study runs, when path cannot be
// written: its directory must exist and take a new file.
func checkStudyOutput(path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return userErrorf("study: cannot write %s: it is a directory", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return userErrorf("study: cannot write %s: %v", path, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path: path keeps its old content or gets all of data, and no
// temporary file is left behind. Errors are user errors naming path.
func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return userErrorf("cannot write %s: %v", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = userErrorf("cannot write %s: %v", path, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// nLabel is the n column: "10", or "4–23" for lowdim.
func (r StudyRow) nLabel() string {
	if r.NMin != 0 && r.NMin != r.N {
		return fmt.Sprintf("%d–%d", r.NMin, r.N)
	}
	return fmt.Sprint(r.N)
}

// boundLabel is the bound column: 4 significant digits, whole numbers
// without an exponent.
func (r StudyRow) boundLabel() string {
	if math.Abs(r.Bound) >= 1000 {
		return fmt.Sprintf("%.0f", r.Bound)
	}
	return fmt.Sprintf("%.4g", r.Bound)
}

func (rep *StudyReport) describe() []string {
	var gen []string
	lines := []string{fmt.Sprintf("study fptas: the FPTAS-NN compiled from %s (%s, -scheme fptas) run in the Go evaluator (float64); p_NN equal to the rounded DP (knapsack.FPTASWeights) on every instance, compared with the exact optimum", rep.Program, rep.Params)}
	for _, f := range rep.Families {
		if f == lowdimFamily {
			lines = append(lines, fmt.Sprintf("instances: lowdim = the files of %s with optima.txt", rep.Lowdim))
			continue
		}
		gen = append(gen, f)
	}
	if len(gen) > 0 {
		ns := make([]string, len(rep.N))
		for i, n := range rep.N {
			ns[i] = fmt.Sprint(n)
		}
		lines = append(lines, fmt.Sprintf("instances: %s; n = %s; %d per family and n (knapsack.Generate, seeds %d..%d), R = %d, capacity ⌊Σw/2⌋",
			strings.Join(gen, ", "), strings.Join(ns, ", "), rep.Per, rep.Seed, rep.Seed+uint64(rep.Per)-1, rep.R))
	}
	lines = append(lines, "items heavier than the capacity are dropped first (the guarantee needs it; the optimum does not change)")
	return lines
}

func printStudy(w io.Writer, rep *StudyReport) {
	for _, l := range rep.describe() {
		fmt.Fprintln(w, l)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "family\tn\tP\twidth\tinstances\t1-n²/P\tworst\tmean\tp_NN=OPT\tviolations\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%.4f\t%.4f\t%d\t%d\t\n", r.Family, r.nLabel(), r.P, r.Width, r.Instances,
			r.boundLabel(), r.Worst, r.Mean, r.Exact, r.Violations)
	}
	tw.Flush()
	for _, r := range rep.Rows {
		if r.FirstViolation != "" {
			fmt.Fprintf(w, "VIOLATION %s n=%s P=%d: %s\n", r.Family, r.nLabel(), r.P, r.FirstViolation)
		}
	}
	fmt.Fprintf(w, "%d instances, %d runs of the network: p_NN = rounded DP on all; %d violations of (1 - n²/P)·OPT <= p_NN <= OPT\n",
		rep.Instances, rep.Runs, rep.Violations)
}

func writeStudyMarkdown(w io.Writer, rep *StudyReport) {
	for _, l := range rep.describe() {
		fmt.Fprintf(w, "<!-- %s -->\n", l)
	}
	fmt.Fprintln(w, "\n| family | n | P | width | instances | 1 − n²/P | worst p_NN/OPT | mean p_NN/OPT | p_NN = OPT | violations |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %s | %.4f | %.4f | %d | %d |\n", r.Family, r.nLabel(), r.P, r.Width, r.Instances,
			r.boundLabel(), r.Worst, r.Mean, r.Exact, r.Violations)
	}
}

// studyPlot draws one panel per n (and one for lowdim): p_NN/OPT against
// P, the mean of each family as a line and its worst as points, with the
// bound max(0, 1 − n²/P) of that n; then a panel of the width against P
// and one holding the legend.
func studyPlot(rep *StudyReport) ([]byte, error) {
	type panelKey struct {
		family bool // the lowdim panel
		n      int
	}
	var panels []panelKey
	seen := map[panelKey]bool{}
	for _, r := range rep.Rows {
		k := panelKey{r.Family == lowdimFamily, r.N}
		if !seen[k] {
			seen[k] = true
			panels = append(panels, k)
		}
	}
	Ps := slices.Clone(rep.P)
	slices.Sort(Ps)
	var ticks []plot.Tick
	for _, P := range Ps {
		ticks = append(ticks, plot.Tick{Value: float64(P), Label: fmt.Sprint(P)})
	}
	logX := func(p *plot.Plot) {
		p.X.Label.Text = "P"
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		if len(Ps) > 1 {
			p.X.Scale = plot.LogScale{}
		}
		p.X.Min, p.X.Max = float64(Ps[0]), float64(Ps[len(Ps)-1])
	}
	colorOf := func(family string) color.Color {
		return plotutil.DarkColors[slices.Index(studyFamilies, family)%len(plotutil.DarkColors)]
	}
	legend := plot.NewLegend()
	inLegend := map[string]bool{}
	var plots []*plot.Plot
	for _, pk := range panels {
		p := plot.New()
		logX(p)
		p.Y.Label.Text = "p_NN / OPT"
		p.Y.Min, p.Y.Max = 0, 1
		for _, r := range rep.Rows {
			p.Y.Max = max(p.Y.Max, r.Mean, r.Worst) // above 1 only if p_NN > OPT: show it
		}
		n, nMin := pk.n, 0
		for _, fam := range rep.Families {
			if (fam == lowdimFamily) != pk.family {
				continue
			}
			var mean, worst plotter.XYs
			for _, r := range rep.Rows {
				if r.Family == fam && r.N == pk.n {
					mean = append(mean, plotter.XY{X: float64(r.P), Y: r.Mean})
					worst = append(worst, plotter.XY{X: float64(r.P), Y: r.Worst})
					nMin = r.NMin
				}
			}
			if len(mean) == 0 {
				continue
			}
			sort.Slice(mean, func(a, b int) bool { return mean[a].X < mean[b].X })
			line, err := plotter.NewLine(mean)
			if err != nil {
				return nil, err
			}
			line.Color, line.Width = colorOf(fam), vg.Points(1.5)
			pts, err := plotter.NewScatter(worst)
			if err != nil {
				return nil, err
			}
			pts.Color, pts.Shape, pts.Radius = colorOf(fam), draw.CircleGlyph{}, vg.Points(2.5)
			p.Add(line, pts)
			if !inLegend[fam] {
				inLegend[fam] = true
				legend.Add(fam+" (mean; worst ●)", line, pts)
			}
		}
		var bound plotter.XYs
		lo, hi := math.Log(float64(Ps[0])), math.Log(float64(Ps[len(Ps)-1]))
		for k := 0; k <= 100; k++ {
			P := math.Exp(lo + (hi-lo)*float64(k)/100)
			bound = append(bound, plotter.XY{X: P, Y: max(0, 1-float64(n)*float64(n)/P)})
		}
		bl, err := plotter.NewLine(bound)
		if err != nil {
			return nil, err
		}
		bl.Color, bl.Dashes, bl.Width = color.Black, []vg.Length{vg.Points(4), vg.Points(3)}, vg.Points(1)
		p.Add(bl)
		if !inLegend["bound"] {
			inLegend["bound"] = true
			legend.Add("guarantee max(0, 1 − n²/P)", bl)
		}
		p.Title.Text = fmt.Sprintf("generated, n = %d", n)
		if pk.family {
			p.Title.Text = fmt.Sprintf("lowdim, n = %d–%d", nMin, n)
		}
		switch {
		case n*n >= Ps[len(Ps)-1]:
			p.Title.Text += " (n² ≥ P: no guarantee)"
		case pk.family:
			p.Title.Text += fmt.Sprintf(" (bound for n = %d)", n)
		}
		plots = append(plots, p)
	}
	// Width against P: the compiled cell's largest layer, and 2P²+2P.
	wp := plot.New()
	logX(wp)
	wp.Title.Text = "width of the compiled cell"
	wp.Y.Label.Text = "largest hidden layer"
	wp.Y.Scale, wp.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	var measured, formula plotter.XYs
	for _, P := range Ps {
		for _, r := range rep.Rows {
			if r.P == P {
				measured = append(measured, plotter.XY{X: float64(P), Y: float64(r.Width)})
				break
			}
		}
		formula = append(formula, plotter.XY{X: float64(P), Y: float64(2*P*P + 2*P)})
	}
	fl, err := plotter.NewLine(formula)
	if err != nil {
		return nil, err
	}
	fl.Color, fl.Dashes = color.Gray{Y: 100}, []vg.Length{vg.Points(4), vg.Points(3)}
	ms, err := plotter.NewScatter(measured)
	if err != nil {
		return nil, err
	}
	ms.Color, ms.Shape, ms.Radius = color.Black, draw.CrossGlyph{}, vg.Points(4)
	wp.Add(fl, ms)
	wp.Legend.Add("2P² + 2P (paper)", fl)
	wp.Legend.Add("measured (Stats)", ms)
	wp.Legend.Top, wp.Legend.Left = false, false // the points rise to the top right
	wp.Legend.YOffs = vg.Points(6)
	plots = append(plots, wp)
	// The legend of the ratio panels in a tile of its own.
	lp := plot.New()
	lp.HideAxes()
	lp.Legend = legend
	lp.Legend.Top, lp.Legend.Left = true, true
	lp.Legend.TextStyle.Font.Size = vg.Points(11)
	plots = append(plots, lp)

	cols := min(4, len(plots))
	rows := (len(plots) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for c := range grid[r] {
			if k := r*cols + c; k < len(plots) {
				grid[r][c] = plots[k]
			}
		}
	}
	img := vgimg.New(vg.Length(cols)*4*vg.Inch, vg.Length(rows)*3.2*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 6 * vg.Millimeter, PadY: 6 * vg.Millimeter,
		PadTop: 3 * vg.Millimeter, PadBottom: 3 * vg.Millimeter, PadLeft: 3 * vg.Millimeter, PadRight: 3 * vg.Millimeter}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c := range grid[r] {
			if grid[r][c] != nil {
				grid[r][c].Draw(canvases[r][c])
			}
		}
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
