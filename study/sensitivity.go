package study

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
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
	"github.com/dp2nn/dp2nn/sensitivity"
	"github.com/dp2nn/dp2nn/smooth"
	"github.com/dp2nn/dp2nn/truth/knapsack"
	"github.com/dp2nn/dp2nn/verify"
)

// Sensitivity measures the average sensitivity (Kumabe & Yoshida) of the
// selections dp2nn produces, beside their approximation ratio: the exact
// DP, greedy, the textbook FPTAS, the FPTAS-NN (its rounded DP, whose p_NN
// the compiled network is required to reproduce on the instance and on
// every deletion), the smoothed DP's relaxed selection and its sampler
// (three regularisers, several γ), and the Kumabe–Yoshida algorithm at
// several ε, with the recourse of the incremental algorithm of their
// Theorem 1.5, and on simple instances (subset-sum) the deterministic
// simple-knapsack algorithm (sensitivity.SimpleKnapsack).

// Twin is the family of sensitivity.Twin instances (exact optimisation
// has sensitivity Θ(n) on them), for the Sensitivity study.
const Twin = "twin"

// SensitivityFamilies are the families Sensitivity knows.
var SensitivityFamilies = append(slices.Clone(Families), Twin)

// Limits of SensitivityConfig.
const (
	MaxSensitivityN       = 2000
	MaxSensitivitySamples = 10_000
	// MaxSmoothCells bounds n·(C+1), the table of one smoothed DP: it runs
	// n+1 times per instance, regulariser and γ; larger instances skip the
	// smoothed rows (with a note).
	MaxSmoothCells = 1 << 23
	// MaxStudyFPTASCells bounds the textbook FPTAS's table n·(n²/ε + n),
	// which runs n+1 times per instance.
	MaxStudyFPTASCells = 1 << 24
	// MaxNetworkCheckSteps bounds the network steps of the FPTAS-NN check
	// per instance: n + 1 runs of n steps each. Above it the network runs
	// on the instance and on every k-th deletion, k the least that fits.
	MaxNetworkCheckSteps = 100_000
)

// SensitivityConfig says what Sensitivity measures.
type SensitivityConfig struct {
	// Families are among SensitivityFamilies; N the numbers of items (a
	// twin instance of n has 2⌊(n−1)/2⌋+1 items); Per and Seed as in
	// FPTASConfig (twin has one instance per n); R the data range;
	// Lowdim the directory of the lowdim instances (which needs an
	// optima.txt). Instances, when not empty, is a directory whose every
	// instance file (instance.Files, any format instance.ReadInstanceFile
	// reads) is studied too, as the family Files: the optima come from
	// knapsack.Solve and are checked against optima.txt there, when there
	// is one, for every instance it names.
	Families  []string
	N         []int
	Per       int
	Seed      uint64
	R         int64
	Lowdim    string
	Instances string
	// Eps are the errors of the textbook FPTAS and of Kumabe–Yoshida, in
	// (0, 1); P the table sizes of the FPTAS-NN; Gamma the temperatures of
	// the smoothed DP (scores p/max p) with every regulariser; Samples the
	// draws of each randomised algorithm per instance.
	Eps     []float64
	P       []int
	Gamma   []float64
	Samples int
	// Program is the FPTAS-NN's program (examples/knapsack_int.dp): the
	// network compiled from it must give the rounded DP's p_NN on every
	// instance and deletion. Empty skips that check.
	Program string
	// Progress, when not nil, is told after each (instance, algorithm)
	// how many of the total are done (never concurrently).
	Progress func(done, total int) `json:"-"`
	// Check, when set, refuses a network before it is built.
	Check func(m *dsl.Model, opt compile.Options, steps int) error `json:"-"`
}

// SensitivityReport is the outcome of Sensitivity, the JSON output of
// "dp2nn study sensitivity".
type SensitivityReport struct {
	Study    string    `json:"study"`
	Families []string  `json:"families"`
	N        []int     `json:"n"`
	Per      int       `json:"per"`
	Seed     uint64    `json:"seed"`
	R        int64     `json:"R"`
	Eps      []float64 `json:"eps"`
	P        []int     `json:"P"`
	Gamma    []float64 `json:"gamma"`
	Samples  int       `json:"samples"`
	Lowdim   string    `json:"lowdim,omitempty"`
	// InstanceDir is SensitivityConfig.Instances; OptimaChecked the
	// number of its instances whose optimum optima.txt there gave (and
	// agreed with).
	InstanceDir   string `json:"instance_dir,omitempty"`
	OptimaChecked int    `json:"optima_checked,omitempty"`
	// Instances is the number of instances; NetworkRuns the number of
	// (instance or deletion, P) on which the compiled FPTAS-NN gave the
	// rounded DP's p_NN.
	Instances   int `json:"instances"`
	NetworkRuns int `json:"network_runs"`
	// NetworkUnchecked is the number of (deletion, P) left out of that
	// check on instances above MaxNetworkCheckSteps (their rows still
	// come from the rounded DP, checked by the runs that were made).
	NetworkUnchecked int `json:"network_unchecked,omitempty"`
	// Violations counts draws of Kumabe–Yoshida whose exact mean value
	// given the threshold fell below (1 − ε)·OPT.
	Violations int `json:"violations"`
	// SimpleViolations counts (instance, ε) on which the simple-knapsack
	// algorithm gave less than (1 − ε)·OPT or a sensitivity above its
	// proved bound 2 + 2/ε.
	SimpleViolations int              `json:"simple_violations"`
	Notes            []string         `json:"notes,omitempty"`
	Rows             []SensitivityRow `json:"rows"`
}

// SensitivityRow is one algorithm on the instances of one family and n.
type SensitivityRow struct {
	Family    string `json:"family"`
	N         int    `json:"n"`
	NMin      int    `json:"n_min,omitempty"`
	Algorithm string `json:"algorithm"`
	Kind      string `json:"kind"`
	Instances int    `json:"instances"`
	// Ratio and Worst are the mean and smallest value/OPT (the mean value
	// for randomised algorithms, Σ p·y for relaxed selections).
	Ratio float64 `json:"ratio"`
	Worst float64 `json:"worst"`
	// Sensitivity and Max are the mean and largest average sensitivity
	// over the instances; CI the largest 95% half-width (sampled kinds).
	Sensitivity float64 `json:"sensitivity"`
	Max         float64 `json:"max"`
	CI          float64 `json:"ci,omitempty"`
	// Recourse is the mean amortized recourse of recomputing after every
	// arrival in a random order (Theorem 1.5's setting; exact, greedy and
	// Kumabe–Yoshida), -1 when not measured.
	Recourse float64 `json:"recourse"`
	// Kumabe–Yoshida: Shape is ε⁻¹·ln(ε⁻¹), the order of the paper's bound
	// (its constant is not stated), and Guarantee the smallest exact mean
	// value given a drawn threshold, over OPT (≥ 1 − ε).
	Shape     float64 `json:"shape,omitempty"`
	Guarantee float64 `json:"guarantee,omitempty"`
	// Bound is the proved sensitivity bound 2 + 2/ε of the deterministic
	// simple-knapsack algorithm (rows "KY simple").
	Bound float64 `json:"bound,omitempty"`
}

// algorithm is one row kind of the study.
type algorithm struct {
	label string
	eps   float64
	P     int
	reg   smooth.Reg
	gamma float64
	kind  string // exact, greedy, fptas, fptas-nn, smooth, ky, simple
}

func (c *SensitivityConfig) algorithms() []algorithm {
	algs := []algorithm{{label: "exact DP", kind: "exact"}, {label: "greedy", kind: "greedy"}}
	for _, e := range c.Eps {
		algs = append(algs, algorithm{label: fmt.Sprintf("FPTAS ε=%g", e), eps: e, kind: "fptas"})
	}
	for _, P := range c.P {
		algs = append(algs, algorithm{label: fmt.Sprintf("FPTAS-NN P=%d", P), P: P, kind: "fptas-nn"})
	}
	for _, reg := range []smooth.Reg{smooth.Shannon, smooth.Gini, smooth.Tsallis} {
		for _, g := range c.Gamma {
			algs = append(algs, algorithm{label: fmt.Sprintf("smooth %s γ=%g", reg, g), reg: reg, gamma: g, kind: "smooth"})
		}
	}
	for _, e := range c.Eps {
		algs = append(algs, algorithm{label: fmt.Sprintf("Kumabe–Yoshida ε=%g", e), eps: e, kind: "ky"})
	}
	for _, e := range c.Eps {
		algs = append(algs, algorithm{label: fmt.Sprintf("KY simple ε=%g", e), eps: e, kind: "simple"})
	}
	return algs
}

// outcome is one algorithm on one instance (two for smooth: relaxed and
// sampled).
type outcome struct {
	label     string
	kind      string
	res       sensitivity.Result
	recourse  float64
	guarantee float64
	shape     float64
	bound     float64
	violation int
	skipped   string
}

// Sensitivity runs the study.
func Sensitivity(cfg SensitivityConfig) (*SensitivityReport, error) {
	if cfg.Samples < 2 {
		return nil, fmt.Errorf("study: %d samples, want at least 2", cfg.Samples)
	}
	rep := &SensitivityReport{Study: "sensitivity", Families: cfg.Families, N: cfg.N, Per: cfg.Per, Seed: cfg.Seed, R: cfg.R,
		Eps: cfg.Eps, P: cfg.P, Gamma: cfg.Gamma, Samples: cfg.Samples}
	if slices.Contains(cfg.Families, Lowdim) {
		rep.Lowdim = cfg.Lowdim
	}
	fc := &studyConfig{FPTASConfig: FPTASConfig{Families: cfg.Families, N: cfg.N, Per: cfg.Per, Seed: cfg.Seed, R: cfg.R, Lowdim: cfg.Lowdim, P: cfg.P, Program: cfg.Program, Check: cfg.Check}}
	var families []string
	for _, f := range cfg.Families {
		if f != Twin {
			families = append(families, f)
		}
	}
	fc.Families = families
	var insts []studyInstance
	var groups []studyGroup
	var err error
	if len(families) > 0 {
		if insts, groups, err = fc.instances(); err != nil {
			return nil, err
		}
	}
	var optima map[string]int64
	if cfg.Instances != "" {
		files, opt, err := fileInstances(cfg.Instances)
		if err != nil {
			return nil, err
		}
		optima, rep.InstanceDir = opt, cfg.Instances
		g := studyGroup{family: Files, nMin: math.MaxInt}
		for _, in := range files {
			g.n, g.nMin = max(g.n, in.Len()), min(g.nMin, in.Len())
			g.members = append(g.members, len(insts))
			insts = append(insts, studyInstance{in: in.Fitting(), group: len(groups)})
		}
		groups = append(groups, g)
	}
	if slices.Contains(cfg.Families, Twin) {
		for _, n := range cfg.N {
			if n < 5 {
				rep.Notes = append(rep.Notes, fmt.Sprintf("twin n = %d: no twin instance below 5 items", n))
				continue
			}
			in, err := sensitivity.Twin((n - 1) / 2)
			if err != nil {
				return nil, err
			}
			groups = append(groups, studyGroup{family: Twin, n: in.Len(), members: []int{len(insts)}})
			insts = append(insts, studyInstance{in: in, group: len(groups) - 1})
		}
	}
	// Items heavier than the capacity are dropped (instances() does it):
	// they are never chosen, and deleting one changes nothing for any
	// algorithm here, so they would only dilute the mean over deletions.
	var empty []string
	for _, si := range insts {
		if si.in.Len() == 0 {
			empty = append(empty, si.in.Name)
		}
	}
	if len(empty) > 0 {
		return nil, fmt.Errorf("study: %s: no item fits into the knapsack, so there is no item to delete", strings.Join(empty, ", "))
	}
	// The optimum, and a random arrival order with the optimum after
	// each arrival (shared by the recourse of every algorithm).
	arrivals := make([]*sensitivity.Arrivals, len(insts))
	err = forEachParallel(len(insts), func(i int) error {
		in := insts[i].in
		opt, err := knapsack.Optimum(in.Profits, in.Weights, in.Capacity)
		if err != nil {
			return fmt.Errorf("study: %s: no exact optimum: %v", in.Name, err)
		}
		insts[i].opt = opt
		if arrivals[i], err = sensitivity.NewArrivals(in, cfg.seed(in)); err != nil {
			return fmt.Errorf("study: %s: %v", in.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The exact optima against the optima.txt of the file families
	// (lowdim names every instance; -instances those it lists).
	for _, si := range insts {
		switch groups[si.group].family {
		case Lowdim:
			if want := fc.lowdimOptima[si.in.Name]; want != si.opt {
				return nil, fmt.Errorf("study: %s: the exact solver (knapsack.Solve) gives %d, %s/optima.txt %d", si.in.Name, si.opt, cfg.Lowdim, want)
			}
		case Files:
			if want, ok := optima[si.in.Name]; ok {
				if want != si.opt {
					return nil, fmt.Errorf("study: %s: the exact solver (knapsack.Solve) gives %d, %s/optima.txt %d", si.in.Name, si.opt, cfg.Instances, want)
				}
				rep.OptimaChecked++
			}
		}
	}
	algs := cfg.algorithms()
	type job struct{ inst, alg int }
	var jobs []job
	for i := range insts {
		for a := range algs {
			jobs = append(jobs, job{i, a})
		}
	}
	results := make([][]outcome, len(insts)*len(algs))
	check := cfg.Program != "" && len(cfg.P) > 0
	total := len(jobs)
	if check { // one step per P of the network check
		total += len(cfg.P)
	}
	var mu sync.Mutex
	done := 0
	tick := func() {
		if cfg.Progress != nil {
			mu.Lock()
			done++
			cfg.Progress(done, total)
			mu.Unlock()
		}
	}
	err = forEachParallel(len(jobs), func(k int) error {
		j := jobs[k]
		out, err := cfg.measure(insts[j.inst], arrivals[j.inst], algs[j.alg])
		results[j.inst*len(algs)+j.alg] = out
		tick()
		return err
	})
	if err != nil {
		return nil, err
	}
	if check {
		if rep.NetworkRuns, rep.NetworkUnchecked, err = fc.networkCheck(insts, tick); err != nil {
			return nil, err
		}
	}
	rep.Instances = len(insts)
	skipped := map[string]bool{}
	for _, grp := range groups {
		byLabel := map[string]*SensitivityRow{}
		var order []string
		for _, m := range grp.members {
			for a := range algs {
				for _, o := range results[m*len(algs)+a] {
					if o.skipped != "" {
						if !skipped[o.skipped] {
							skipped[o.skipped] = true
							rep.Notes = append(rep.Notes, o.skipped)
						}
						continue
					}
					row, ok := byLabel[o.label]
					if !ok {
						row = &SensitivityRow{Family: grp.family, N: grp.n, NMin: grp.nMin, Algorithm: o.label, Kind: o.kind, Worst: math.Inf(1), Recourse: -1, Guarantee: math.Inf(1)}
						byLabel[o.label] = row
						order = append(order, o.label)
					}
					ratio := 1.0
					if opt := insts[m].opt; opt > 0 {
						ratio = o.res.Value / float64(opt)
					}
					row.Instances++
					row.Ratio += ratio
					row.Worst = min(row.Worst, ratio)
					row.Sensitivity += o.res.Sensitivity
					row.Max = max(row.Max, o.res.Sensitivity)
					row.CI = max(row.CI, o.res.CI)
					if o.recourse >= 0 {
						row.Recourse = max(row.Recourse, 0) + o.recourse
					}
					if o.shape > 0 {
						row.Shape = o.shape
						row.Guarantee = min(row.Guarantee, o.guarantee)
						rep.Violations += o.violation
					}
					if o.bound > 0 {
						row.Bound = o.bound
						rep.SimpleViolations += o.violation
					}
				}
			}
		}
		for _, l := range order {
			row := byLabel[l]
			k := float64(row.Instances)
			row.Ratio /= k
			row.Sensitivity /= k
			if row.Recourse >= 0 {
				row.Recourse /= k
			}
			if math.IsInf(row.Guarantee, 1) {
				row.Guarantee = 0
			}
			rep.Rows = append(rep.Rows, *row)
		}
	}
	return rep, nil
}

// seed is the seed of an instance's draws and arrival order.
func (c *SensitivityConfig) seed(in knapsack.Instance) uint64 {
	seed := c.Seed*0x9e3779b97f4a7c15 + uint64(len(in.Name))*31 + uint64(in.Len())
	for _, ch := range in.Name {
		seed = seed*131 + uint64(ch)
	}
	return seed
}

// measure runs one algorithm on one instance.
func (c *SensitivityConfig) measure(si studyInstance, arr *sensitivity.Arrivals, a algorithm) ([]outcome, error) {
	in := si.in
	seed := c.seed(in)
	one := func(r sensitivity.Result, err error) ([]outcome, error) {
		if err != nil {
			return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
		}
		return []outcome{{label: a.label, kind: string(r.Kind), res: r, recourse: -1}}, nil
	}
	switch a.kind {
	case "exact", "greedy":
		sel := sensitivity.Exact
		if a.kind == "greedy" {
			sel = sensitivity.Greedy
		}
		out, err := one(sensitivity.Deterministic(in, sel))
		if err != nil {
			return nil, err
		}
		rc, err := sensitivity.IncrementalDeterministic(in, sel, arr)
		if err != nil {
			return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
		}
		out[0].recourse = rc.Amortized
		return out, nil
	case "fptas":
		if cells := sensitivity.FPTASCells(in, a.eps); cells > MaxStudyFPTASCells {
			return []outcome{{skipped: fmt.Sprintf("%s skipped where n·(n²/ε+n) > %d cells (n = %d: %.3g), run n+1 times per instance", a.label, MaxStudyFPTASCells, in.Len(), cells)}}, nil
		}
		return one(sensitivity.Deterministic(in, sensitivity.FPTAS(a.eps)))
	case "fptas-nn":
		return one(sensitivity.Deterministic(in, sensitivity.RoundedDP(a.P)))
	case "smooth":
		if cells := sensitivity.SmoothedCells(in); cells > MaxSmoothCells {
			return []outcome{{skipped: fmt.Sprintf("smoothed DP skipped where n·(C+1) > %d cells (%s: %.3g), run n+1 times per instance, regulariser and γ", MaxSmoothCells, in.Name, cells)}}, nil
		}
		sm, err := sensitivity.NewSmoothed(in, a.reg, a.gamma, seed)
		if err != nil {
			return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
		}
		// every deletion at once, padded to one shape, on all cores, when
		// its results fit in memory (else one deletion at a time: the same
		// results)
		if sensitivity.SweepBytes(in.Len(), c.Samples) <= sensitivity.MaxSweepBytes {
			if err := sm.Sweep(c.Samples); err != nil {
				return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
			}
		}
		sampled, err := sensitivity.Coupled(in, sm, c.Samples)
		if err != nil {
			return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
		}
		relaxed, err := sensitivity.Relaxed(in, sm.Relax)
		if err != nil {
			return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
		}
		return []outcome{
			{label: a.label + " y", kind: string(sensitivity.KindRelaxed), res: relaxed, recourse: -1},
			{label: a.label + " sample", kind: string(sensitivity.KindCoupled), res: sampled, recourse: -1},
		}, nil
	case "ky":
		k, err := sensitivity.NewKY(in, a.eps, seed)
		if err != nil {
			return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
		}
		out, err := one(sensitivity.Coupled(in, k, c.Samples))
		if err != nil {
			return nil, err
		}
		o := &out[0]
		o.guarantee = math.Inf(1)
		for s := range c.Samples {
			cv := k.ConditionalValue(s)
			r := 1.0
			if si.opt > 0 {
				r = cv / float64(si.opt)
			}
			o.guarantee = min(o.guarantee, r)
			if cv < (1-a.eps)*float64(si.opt)*(1-1e-12) {
				o.violation++
			}
		}
		kr, err := sensitivity.NewKY(in, a.eps, seed+1)
		if err != nil {
			return nil, err
		}
		rc, err := kr.Incremental(arr, seed)
		if err != nil {
			return nil, fmt.Errorf("study: %s, %s: %w", in.Name, a.label, err)
		}
		o.recourse = rc.Amortized
		o.shape = math.Log(1/a.eps) / a.eps
		return out, nil
	case "simple":
		if ok, _ := sensitivity.IsSimple(in); !ok {
			return []outcome{{skipped: "KY simple (the deterministic simple-knapsack algorithm) runs only on simple instances, profit ∝ weight (the subset-sum family)"}}, nil
		}
		if b := sensitivity.SimpleBits(in, a.eps); b > sensitivity.MaxSimpleBits {
			return []outcome{{skipped: fmt.Sprintf("%s skipped on %s: its table needs %.3g bits, more than %d", a.label, in.Name, b, int64(sensitivity.MaxSimpleBits))}}, nil
		}
		out, err := one(sensitivity.Deterministic(in, sensitivity.SimpleKnapsack(a.eps)))
		if err != nil {
			return nil, err
		}
		o := &out[0]
		o.bound = 2 + 2/a.eps
		if o.res.Value < (1-a.eps)*float64(si.opt) || o.res.Sensitivity > o.bound {
			o.violation++
		}
		return out, nil
	}
	panic("study: unknown algorithm " + a.kind)
}

// networkCheck runs the compiled FPTAS-NN on every instance and every
// deletion of it (every k-th above MaxNetworkCheckSteps), the table
// sizes in parallel, and requires its p_NN to equal the rounded DP's (the
// selections of the FPTAS-NN rows are walked back from the rounded DP's
// tables by the rule compile.Backtrack applies to the network's states).
func (c *studyConfig) networkCheck(insts []studyInstance, tick func()) (runs, unchecked int, err error) {
	f, err := readProgram(c.Program)
	if err != nil {
		return 0, 0, err
	}
	var all []studyInstance
	var members []int
	for _, si := range insts {
		n := si.in.Len()
		stride := 1
		if steps := n * (n + 1); steps > MaxNetworkCheckSteps {
			stride = (steps + MaxNetworkCheckSteps - 1) / MaxNetworkCheckSteps
		}
		for i := -1; i < n; i++ {
			if i >= 0 && i%stride != 0 {
				unchecked += len(c.P)
				continue
			}
			in := si.in
			if i >= 0 {
				in = sensitivity.Without(in, i)
				in.Name = fmt.Sprintf("%s without item %d", si.in.Name, i)
			}
			members = append(members, len(all))
			all = append(all, studyInstance{in: in})
		}
	}
	nets, _, _, err := c.networks(f, all)
	if err != nil {
		return 0, 0, err
	}
	err = forEachParallel(len(c.P), func(k int) error {
		_, err := studyRun(all, members, nets, c.P[k])
		tick()
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return len(all) * len(c.P), unchecked, nil
}

// label of a row's n column
func (r SensitivityRow) nLabel() string {
	if r.NMin != 0 && r.NMin != r.N {
		return fmt.Sprintf("%d–%d", r.NMin, r.N)
	}
	return fmt.Sprint(r.N)
}

func (r SensitivityRow) sensLabel() string {
	s := fmt.Sprintf("%.3g", r.Sensitivity)
	if r.CI > 0 {
		s += fmt.Sprintf(" ±%.2g", r.CI)
	}
	return s
}

func (r SensitivityRow) extraLabel() string {
	var parts []string
	if r.Recourse >= 0 {
		parts = append(parts, fmt.Sprintf("recourse %.3g", r.Recourse))
	}
	if r.Shape > 0 {
		parts = append(parts, fmt.Sprintf("ε⁻¹ln ε⁻¹ = %.3g", r.Shape), fmt.Sprintf("min E[v|τ]/OPT = %.4f", r.Guarantee))
	}
	if r.Bound > 0 {
		parts = append(parts, fmt.Sprintf("bound 2+2/ε = %.3g", r.Bound))
	}
	return strings.Join(parts, ", ")
}

func (rep *SensitivityReport) describe() []string {
	lines := []string{fmt.Sprintf("average sensitivity of knapsack algorithms (Kumabe & Yoshida): %d instances, %d draws per randomised algorithm; sensitivity = mean over deleted items of the distance between the outputs (exact: Hamming, all deletions; coupled: mean Hamming under a coupling, an upper bound on the EMD, ±95%%; relaxed-l1: Σ|y − y'| of the smoothed DP's marginals)", rep.Instances, rep.Samples)}
	if rep.InstanceDir != "" {
		l := fmt.Sprintf("files = the instance files of %s; optima by knapsack.Solve, %d of them agreeing with optima.txt there", rep.InstanceDir, rep.OptimaChecked)
		if rep.OptimaChecked == 0 {
			l = fmt.Sprintf("files = the instance files of %s; optima by knapsack.Solve (no optima.txt there names them)", rep.InstanceDir)
		}
		lines = append(lines, l)
	}
	if rep.NetworkRuns > 0 {
		l := fmt.Sprintf("FPTAS-NN: the compiled network gave the rounded DP's p_NN on all %d (instance or deletion, P)", rep.NetworkRuns)
		if rep.NetworkUnchecked > 0 {
			l += fmt.Sprintf("; %d (deletion, P) not run through it (n(n+1) > %d network steps per instance: every k-th deletion checked)", rep.NetworkUnchecked, MaxNetworkCheckSteps)
		}
		lines = append(lines, l)
	}
	lines = append(lines, fmt.Sprintf("Kumabe–Yoshida: %d draws with E[value | τ] < (1 − ε)·OPT", rep.Violations))
	if slices.ContainsFunc(rep.Rows, func(r SensitivityRow) bool { return r.Bound > 0 }) {
		lines = append(lines, fmt.Sprintf("KY simple: %d (instance, ε) with value < (1 − ε)·OPT or sensitivity > 2 + 2/ε", rep.SimpleViolations))
	}
	return append(lines, rep.Notes...)
}

// WriteText writes the report as an aligned table.
func (rep *SensitivityReport) WriteText(w io.Writer) {
	for _, l := range rep.describe() {
		fmt.Fprintln(w, l)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "family\tn\talgorithm\tkind\tinst\tratio mean\tworst\tsensitivity\tmax\tnotes")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.4f\t%.4f\t%s\t%.3g\t%s\n", r.Family, r.nLabel(), r.Algorithm, r.Kind, r.Instances, r.Ratio, r.Worst, r.sensLabel(), r.Max, r.extraLabel())
	}
	tw.Flush()
}

// WriteMarkdown writes the report as a markdown table.
func (rep *SensitivityReport) WriteMarkdown(w io.Writer) {
	for _, l := range rep.describe() {
		fmt.Fprintf(w, "%s\n\n", l)
	}
	fmt.Fprintln(w, "| family | n | algorithm | kind | instances | ratio mean | worst | sensitivity | max | notes |")
	fmt.Fprintln(w, "|---|---|---|---|---:|---:|---:|---:|---:|---|")
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %.4f | %.4f | %s | %.3g | %s |\n", r.Family, r.nLabel(), r.Algorithm, r.Kind, r.Instances, r.Ratio, r.Worst, r.sensLabel(), r.Max, r.extraLabel())
	}
}

// generated tells whether a row's family is drawn at random (not files,
// not twin).
func generated(family string) bool {
	return family != Lowdim && family != Files && family != Twin
}

// class is the plot's group of an algorithm label.
func class(label string) string {
	switch {
	case strings.HasPrefix(label, "smooth") && strings.HasSuffix(label, " y"):
		return "smoothed DP y"
	case strings.HasPrefix(label, "smooth"):
		return "smoothed sampler"
	case strings.HasPrefix(label, "FPTAS-NN"):
		return "FPTAS-NN"
	case strings.HasPrefix(label, "FPTAS"):
		return "FPTAS"
	case strings.HasPrefix(label, "Kumabe"):
		return "Kumabe–Yoshida"
	case strings.HasPrefix(label, "KY simple"):
		return "KY simple"
	}
	return label
}

var plotClasses = []string{"exact DP", "greedy", "FPTAS", "FPTAS-NN", "smoothed DP y", "smoothed sampler", "Kumabe–Yoshida", "KY simple"}

// Plot draws two panels: approximation ratio against average sensitivity
// (one point per algorithm and family, at the largest n of the generated
// families and for lowdim), and the sensitivity of each class against n.
func (rep *SensitivityReport) Plot() ([]byte, error) {
	colorOf := func(c string) color.Color {
		return plotutil.DarkColors[slices.Index(plotClasses, c)%len(plotutil.DarkColors)]
	}
	shapeOf := func(c string) draw.GlyphDrawer {
		return plotutil.DefaultGlyphShapes[slices.Index(plotClasses, c)%len(plotutil.DefaultGlyphShapes)]
	}
	nMax := 0
	for _, r := range rep.Rows {
		if generated(r.Family) {
			nMax = max(nMax, r.N)
		}
	}
	sc := plot.New()
	sc.Title.Text = "ratio vs sensitivity"
	if nMax > 0 {
		sc.Title.Text += fmt.Sprintf(" (generated n = %d, files)", nMax)
	}
	sc.X.Label.Text = "average sensitivity (items)"
	sc.Y.Label.Text = "mean value / OPT"
	sc.X.Scale, sc.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	byN := plot.New()
	byN.Title.Text = "sensitivity vs n (generated families, mean; twin: exact)"
	byN.X.Label.Text = "n"
	byN.Y.Label.Text = "average sensitivity"
	byN.X.Scale, byN.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	byN.Y.Scale, byN.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	const floor = 1e-3 // log axes: a sensitivity of 0 is drawn at the floor
	for _, cl := range plotClasses {
		var pts plotter.XYs
		sum, cnt := map[int]float64{}, map[int]int{}
		for _, r := range rep.Rows {
			if class(r.Algorithm) != cl {
				continue
			}
			if r.Family == Lowdim || r.Family == Files || (generated(r.Family) && r.N == nMax) {
				pts = append(pts, plotter.XY{X: max(r.Sensitivity, floor), Y: r.Ratio})
			}
			if generated(r.Family) {
				sum[r.N] += r.Sensitivity
				cnt[r.N]++
			}
		}
		if len(pts) > 0 {
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			s.Color, s.Shape, s.Radius = colorOf(cl), shapeOf(cl), vg.Points(3)
			sc.Add(s)
			sc.Legend.Add(cl, s)
		}
		var line plotter.XYs
		for _, n := range slices.Sorted(func(yield func(int) bool) {
			for n := range sum {
				if !yield(n) {
					return
				}
			}
		}) {
			line = append(line, plotter.XY{X: float64(n), Y: max(sum[n]/float64(cnt[n]), floor)})
		}
		if len(line) > 0 {
			l, p, err := plotter.NewLinePoints(line)
			if err != nil {
				return nil, err
			}
			l.Color, p.Color, p.Shape = colorOf(cl), colorOf(cl), shapeOf(cl)
			byN.Add(l, p)
			byN.Legend.Add(cl, l, p)
		}
	}
	var twin plotter.XYs
	for _, r := range rep.Rows {
		if r.Family == Twin && r.Algorithm == "exact DP" {
			twin = append(twin, plotter.XY{X: float64(r.N), Y: max(r.Sensitivity, floor)})
		}
	}
	if len(twin) > 0 {
		l, err := plotter.NewLine(twin)
		if err != nil {
			return nil, err
		}
		l.Color, l.Dashes, l.Width = color.Black, []vg.Length{vg.Points(4), vg.Points(3)}, vg.Points(1.5)
		byN.Add(l)
		byN.Legend.Add("exact DP on twin", l)
	}
	sc.Legend.Top, sc.Legend.Left = false, false
	byN.Legend.Top, byN.Legend.Left = true, true
	img := vgimg.New(11*vg.Inch, 4.5*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 8 * vg.Millimeter, PadTop: 3 * vg.Millimeter, PadBottom: 3 * vg.Millimeter, PadLeft: 3 * vg.Millimeter, PadRight: 3 * vg.Millimeter}
	grid := [][]*plot.Plot{{sc, byN}}
	canvases := plot.Align(grid, tiles, dc)
	sc.Draw(canvases[0][0])
	byN.Draw(canvases[0][1])
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Err is a *verify.MismatchError when a draw of Kumabe–Yoshida or KY
// simple missed its guarantee, else nil.
func (rep *SensitivityReport) Err() error {
	if rep.Violations > 0 {
		return &verify.MismatchError{Msg: fmt.Sprintf("%d draws of Kumabe–Yoshida with E[value | τ] < (1 − ε)·OPT", rep.Violations)}
	}
	if rep.SimpleViolations > 0 {
		return &verify.MismatchError{Msg: fmt.Sprintf("%d (instance, ε) of KY simple below (1 − ε)·OPT or above sensitivity 2 + 2/ε", rep.SimpleViolations)}
	}
	return nil
}
