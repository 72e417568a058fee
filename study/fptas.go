package study

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"maps"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
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
	"github.com/dp2nn/dp2nn/verify"
)

// FPTAS measures the FPTAS-NN of Hertrich & Skutella through the
// compiled network: for every instance and P it runs the cell compiled
// with the fptas scheme in the Go evaluator (float64), decodes p_NN, checks
// that it equals the rounded DP of truth/knapsack exactly, and compares it
// with the exact optimum.

// Limits of FPTASConfig: beyond them the exact solvers or the decode
// tolerance stop being the right tools. N is at most MaxN, R at most
// MaxR, Per at most MaxPer, P at most compile.MaxFPTASTable.
const (
	MaxN   = 10_000
	MaxR   = 1_000_000
	MaxPer = 10_000
	// batch instances of one length run together, one batch row each:
	// the evaluator keeps 8 rows in registers.
	batch = 8
	// capacityFraction is the capacity of a generated instance as a fraction
	// of its total weight (Pisinger's middle test of a series).
	capacityFraction = 0.5
)

// Lowdim is the family of the instance files of FPTASConfig.Lowdim.
const Lowdim = "lowdim"

// Families are the families of instances FPTAS knows: Lowdim, then
// Pisinger's generated families (knapsack.Families).
var Families = append([]string{Lowdim}, familyNames()...)

func familyNames() []string {
	var out []string
	for _, f := range knapsack.Families {
		out = append(out, string(f))
	}
	return out
}

// FPTASReport is the outcome of FPTAS, the JSON output of "dp2nn study
// fptas".
type FPTASReport struct {
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
	// Notes say where params not set came from.
	Notes []string `json:"notes,omitempty"`
	// Instances is the number of instances; Runs the number of (instance,
	// P) pairs, on each of which the network's p_NN equalled the rounded
	// DP's.
	Instances  int        `json:"instances"`
	Runs       int        `json:"runs"`
	Violations int        `json:"violations"`
	Rows       []FPTASRow `json:"rows"`
}

// FPTASRow summarises one family, n and P.
type FPTASRow struct {
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

// FPTASConfig says what FPTAS measures. Every list is free of
// duplicates and its values within the limits above.
type FPTASConfig struct {
	// Program is compiled with the fptas scheme (its inputs are read from
	// each instance by name: profit, weight, size); Set binds params of it
	// (the others come from the instances as in instance.Params, an index
	// bound like pmax taking its largest value over all instances).
	Program string
	Set     map[string]int64
	// Families are among Families; N the numbers of items and Per the
	// number of instances per generated family and n: instance k (0-based)
	// is knapsack.Generate with seed Seed+k, weights in 1..R and capacity
	// ⌊Σw/2⌋. Lowdim is the directory of the lowdim instances (*.txt)
	// and their optima.txt.
	Families []string
	N        []int
	Per      int
	Seed     uint64
	R        int64
	Lowdim   string
	// P are the table sizes of the FPTAS-NN.
	P []int
	// Progress, when not nil, is told after each run of a network on a
	// group of instances how many of the total are done (never
	// concurrently).
	Progress func(done, total int) `json:"-"`
	// Check, when set, refuses a network before it is built (the command
	// line's cost-model limits): m is the checked program, opt its fptas
	// options and steps the instances' length.
	Check func(m *dsl.Model, opt compile.Options, steps int) error `json:"-"`
}

// studyConfig is FPTASConfig with what is read on the way.
type studyConfig struct {
	FPTASConfig
	// lowdimOptima is optima.txt of Lowdim, by instance name.
	lowdimOptima map[string]int64
}

// studyNets holds the networks, by params key and P.
type studyNets map[string]map[int]*compile.Network

// FPTAS runs the study. A network whose p_NN differs from the rounded DP
// is a *verify.MismatchError; violations of the guarantee are counted in
// the report.
func FPTAS(cfg FPTASConfig) (*FPTASReport, error) {
	c := &studyConfig{FPTASConfig: cfg}
	f, err := readProgram(c.Program)
	if err != nil {
		return nil, err
	}
	lowdim := ""
	if slices.Contains(c.Families, Lowdim) {
		lowdim = c.Lowdim
	}
	rep := &FPTASReport{Study: "fptas", Program: c.Program, Families: c.Families, N: c.N, P: c.P, Per: c.Per,
		Seed: c.Seed, R: c.R, Fraction: capacityFraction, Lowdim: lowdim}
	insts, groups, err := c.instances()
	if err != nil {
		return nil, err
	}
	// Exact optima, once per instance.
	err = forEachParallel(len(insts), func(i int) error {
		in := insts[i].in
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		if err != nil {
			return fmt.Errorf("study: %s: no exact optimum: %v", in.Name, err)
		}
		insts[i].opt = opt
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.family != Lowdim {
			continue
		}
		for _, i := range g.members {
			if want, ok := c.lowdimOptima[insts[i].in.Name]; !ok || want != insts[i].opt {
				return nil, fmt.Errorf("study: %s: the exact solvers give %d, optima.txt %d", insts[i].in.Name, insts[i].opt, want)
			}
		}
	}
	nets, params, notes, err := c.networks(f, insts)
	if err != nil {
		return nil, err
	}
	rep.Params, rep.Notes = params, notes
	// One job per group and P, the largest first so that the workers
	// finish together.
	type job struct{ group, p int }
	var jobs []job
	for g := range groups {
		for p := range c.P {
			jobs = append(jobs, job{g, p})
		}
	}
	cost := func(j job) float64 {
		return float64(groups[j.group].n*len(groups[j.group].members)) * float64(c.P[j.p]) * float64(c.P[j.p])
	}
	sort.SliceStable(jobs, func(a, b int) bool { return cost(jobs[a]) > cost(jobs[b]) })
	results := make([][]studyResult, len(groups)*len(c.P)) // [group·len(ps)+p][member]
	var mu sync.Mutex
	done := 0
	err = forEachParallel(len(jobs), func(k int) error {
		j := jobs[k]
		res, err := studyRun(insts, groups[j.group].members, nets, c.P[j.p])
		results[j.group*len(c.P)+j.p] = res
		if c.Progress != nil {
			mu.Lock()
			done++
			c.Progress(done, len(jobs))
			mu.Unlock()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	rep.Instances = len(insts)
	for g, grp := range groups {
		for p, P := range c.P {
			net := nets[insts[grp.members[0]].net][P]
			st := net.Cell.Stats()
			row := FPTASRow{Family: grp.family, N: grp.n, NMin: grp.nMin, P: P, Depth: st.Depth, Widths: st.Widths, Width: st.Width(),
				Bound: 1 - float64(grp.n)*float64(grp.n)/float64(P), Worst: 1}
			var sum float64
			for k, r := range results[g*len(c.P)+p] {
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
	for _, fam := range c.Families {
		if fam == Lowdim {
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
		for _, n := range c.N {
			g := studyGroup{family: fam, n: n}
			spec := knapsack.Spec{Family: knapsack.Family(fam), N: n, R: c.R, Fraction: capacityFraction}
			for k := range c.Per {
				in := knapsack.Generate(spec, c.Seed+uint64(k))
				g.members = append(g.members, len(insts))
				insts = append(insts, studyInstance{in: in.Fitting(), group: len(groups)})
			}
			groups = append(groups, g)
		}
	}
	return insts, groups, nil
}

// readLowdim reads the *.txt instances of c.Lowdim in name order and
// optima.txt there.
func (c *studyConfig) readLowdim() ([]knapsack.Instance, error) {
	files, err := filepath.Glob(filepath.Join(c.Lowdim, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("study: -lowdim: %v", err)
	}
	slices.Sort(files)
	optPath := filepath.Join(c.Lowdim, "optima.txt")
	data, err := os.ReadFile(optPath)
	if err != nil {
		return nil, fmt.Errorf("study: -lowdim: %v (run from the repository root, or give -lowdim DIR, or leave lowdim out of -families)", err)
	}
	c.lowdimOptima, err = knapsack.ReadOptima(optPath, bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("study: %v", err)
	}
	var out []knapsack.Instance
	for _, file := range files {
		if filepath.Base(file) == "optima.txt" {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("study: %v", err)
		}
		in, err := knapsack.ReadInstance(file, bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("study: %v", err)
		}
		in.Name = strings.TrimSuffix(filepath.Base(file), ".txt")
		if _, ok := c.lowdimOptima[in.Name]; !ok {
			return nil, fmt.Errorf("study: %s: no optimum for %s in %s", file, in.Name, optPath)
		}
		out = append(out, in)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("study: -lowdim: no *.txt instances in %s", c.Lowdim)
	}
	return out, nil
}

// networks binds every instance to the program and lowers one network per
// distinct params and P. Params come from the instance as in solve; a
// param that bounds an int input's range (pmax for the profit) and that
// the instance does not give itself takes its largest value over all
// instances, since the FPTAS-NN does not depend on it and one network then
// serves every instance; a param the instance gives (a capacity, which
// the answer line compares with) stays the instance's own.
func (c *studyConfig) networks(f *dsl.File, insts []studyInstance) (studyNets, string, []string, error) {
	vinsts := make([]*instance.Instance, len(insts))
	params := make([]map[string]int64, len(insts))
	widest := map[string]int64{}
	for i := range insts {
		vinsts[i] = programInstance(insts[i].in)
		p, _, err := instance.Params(f, vinsts[i], c.Set)
		if err != nil {
			return nil, "", nil, fmt.Errorf("%s: %w", insts[i].in.Name, err)
		}
		params[i] = p
		for name, v := range p {
			_, scalar := vinsts[i].Scalars[name]
			if _, given := c.Set[name]; !given && !scalar && boundsIntInput(f, name) {
				widest[name] = max(widest[name], v)
			}
		}
	}
	nets := studyNets{}
	models := map[string]*dsl.Model{}
	longest := 0 // the most steps of an instance, for c.Check
	var keys []string
	for i := range insts {
		ps := params[i]
		for name, v := range widest {
			ps[name] = v
		}
		key := paramsKey(ps)
		m, ok := models[key]
		if !ok {
			var err error
			if m, err = dsl.CheckWith(f, ps, compile.Options{Scheme: compile.FPTAS}.Limits()); err != nil {
				return nil, "", nil, err
			}
			models[key] = m
			keys = append(keys, key)
		}
		steps, err := instance.Bind(m, vinsts[i])
		if err != nil {
			return nil, "", nil, err
		}
		insts[i].net, insts[i].steps = key, steps
		longest = max(longest, len(steps))
	}
	for _, key := range keys {
		nets[key] = map[int]*compile.Network{}
		for _, P := range c.P {
			opt := compile.Options{Scheme: compile.FPTAS, P: P}
			if c.Check != nil {
				if err := c.Check(models[key], opt, longest); err != nil {
					return nil, "", nil, err
				}
			}
			net, err := compile.Lower(models[key], opt)
			if err != nil {
				return nil, "", nil, err
			}
			nets[key][P] = net
		}
	}
	summary := keys[0]
	if len(keys) > 1 {
		summary = fmt.Sprintf("%d networks per P (params differ between instances)", len(keys))
	}
	var notes []string
	for _, name := range slices.Sorted(maps.Keys(widest)) {
		notes = append(notes, fmt.Sprintf("%s not set: using %d, the largest over the %d instances of the sum of the input it bounds (the FPTAS-NN does not depend on it, so one network serves every instance)", name, widest[name], len(insts)))
	}
	return nets, summary, notes, nil
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
			chunk := all[:min(batch, len(all))]
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
		return studyResult{}, &verify.MismatchError{Msg: fmt.Sprintf("study: %s, P = %d: the network gives p_NN = %s (table index %d, running total %g), the rounded DP %s (index %d, profit sum %d)",
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

// nLabel is the n column: "10", or "4–23" for lowdim.
func (r FPTASRow) nLabel() string {
	if r.NMin != 0 && r.NMin != r.N {
		return fmt.Sprintf("%d–%d", r.NMin, r.N)
	}
	return fmt.Sprint(r.N)
}

// boundLabel is the bound column: 4 significant digits, whole numbers
// without an exponent.
func (r FPTASRow) boundLabel() string {
	if math.Abs(r.Bound) >= 1000 {
		return fmt.Sprintf("%.0f", r.Bound)
	}
	return fmt.Sprintf("%.4g", r.Bound)
}

func (rep *FPTASReport) describe() []string {
	var gen []string
	lines := []string{fmt.Sprintf("study fptas: the FPTAS-NN compiled from %s (%s, -scheme fptas) run in the Go evaluator (float64); p_NN equal to the rounded DP (knapsack.FPTASWeights) on every instance, compared with the exact optimum", rep.Program, rep.Params)}
	for _, f := range rep.Families {
		if f == Lowdim {
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
	for _, n := range rep.Notes {
		lines = append(lines, "note: "+n)
	}
	return lines
}

// WriteText prints the report as a table, with the first violation of
// each row and a summary.
func (rep *FPTASReport) WriteText(w io.Writer) {
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

// WriteMarkdown writes the table as markdown, the description in comments.
func (rep *FPTASReport) WriteMarkdown(w io.Writer) {
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

// Plot draws, as a PNG, one panel per n (and one for lowdim): p_NN/OPT against
// P, the mean of each family as a line and its worst as points, with the
// bound max(0, 1 − n²/P) of that n; then a panel of the width against P
// and one holding the legend.
func (rep *FPTASReport) Plot() ([]byte, error) {
	type panelKey struct {
		family bool // the lowdim panel
		n      int
	}
	var panels []panelKey
	seen := map[panelKey]bool{}
	for _, r := range rep.Rows {
		k := panelKey{r.Family == Lowdim, r.N}
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
		return plotutil.DarkColors[slices.Index(Families, family)%len(plotutil.DarkColors)]
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
			if (fam == Lowdim) != pk.family {
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

// readProgram reads and parses a program file.
func readProgram(path string) (*dsl.File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read program: %v", err)
	}
	return dsl.Parse(path, src)
}

// paramsKey prints params in name order, "a=1,b=2": the key of a network.
func paramsKey(params map[string]int64) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, params[k])
	}
	return strings.Join(parts, ",")
}

// Err is a *verify.MismatchError when an instance violated the
// guarantee, else nil.
func (rep *FPTASReport) Err() error {
	if rep.Violations > 0 {
		return &verify.MismatchError{Msg: fmt.Sprintf("%d violations of the guarantee (1 - n²/P)·OPT <= p_NN <= OPT", rep.Violations)}
	}
	return nil
}
