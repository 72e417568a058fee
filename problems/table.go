package problems

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/examples"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// Problem is one dynamic program dp2nn knows: its program in examples/,
// the param settings the tests use, how to draw random instances, the
// independent exact solver that checks the DSL interpreter, the network
// size a paper publishes for it and the O() bounds of Section 6 of
// Hertrich & Skutella. A program a user writes is matched to a Problem by
// its structure (Identify), never by its file name.
type Problem struct {
	Name    string // "knapsack", "lcs", ...: the first part of each case's name
	Program string // path relative to the repository root, e.g. examples/knapsack.dp
	// Settings are the param sets the tests of every package run, each
	// with the generator of its random instances.
	Settings []Setting
	// Random draws one random instance of a checked program of this
	// problem for the command line (verify -random): the step inputs of a
	// program with per-step inputs, the data arrays (per m.Data, in order)
	// of a program with data. Every value is inside its declaration.
	Random func(rng *rand.Rand, m *dsl.Model) [][]float64
	// RandomName names Random in reports ("Appendix D", "uniform", ...).
	RandomName string
	// Draws says whether Random can draw for m (nil: for every checked
	// m); where it cannot, RandomFor draws uniformly instead.
	Draws func(m *dsl.Model) bool
	// Exact answers a program with per-step inputs without any dynamic
	// program (brute force over subsets); nil for a program with data.
	Exact func(steps [][]float64, m *dsl.Model) (float64, error)
	// ExactData solves a program with data with the solvers of
	// truth/graphs; nil for a program with per-step inputs.
	ExactData func(m *dsl.Model, data [][]float64) (DataAnswer, error)
	// Paper returns the published widths of the network of the exact
	// scheme (P = 0) or of the fptas scheme with table size P, when a
	// paper gives them; nil when none does.
	Paper func(m *dsl.Model, P int) (PaperBound, bool)
	// Bounds are the O() depth and size bounds Section 6 states; nil
	// when it states none.
	Bounds *ProgramBounds
	// FPTASSlack is the additive guarantee of the fptas scheme with
	// offset rounding k on a program with data: the answer lies in
	// [OPT, OPT + slack]; why prints the formula. nil when no guarantee
	// is known.
	FPTASSlack func(m *dsl.Model, k float64) (slack float64, why string, ok bool)
	// NoAnswer says what an infinite answer means ("no tour visits every
	// city"); "" when the table does not say.
	NoAnswer string
}

// Setting is one param set of a Problem.
type Setting struct {
	Label  string           // the case name after "NAME/", e.g. "pmax=20"
	Params map[string]int64 // -set values for dsl.Check
	// Random draws one random instance (as Problem.Random) for this
	// setting; nil means Problem.Random.
	Random func(rng *rand.Rand, m *dsl.Model) [][]float64
}

// Table is the one table of problems. Tests, the command line and the
// docs take their problems from it.
var Table = []Problem{
	{
		Name: "knapsack", Program: "examples/knapsack.dp",
		Settings: []Setting{
			{Label: "pmax=5", Params: map[string]int64{"pmax": 5}, Random: uniformSteps(1, 8)},
			{Label: "pmax=20", Params: map[string]int64{"pmax": 20}, Random: uniformSteps(1, 10)},
			// Appendix D instances: profits sum to pmax, so the answer is
			// the true optimum, not capped by pmax.
			{Label: "appendixD/pmax=20", Params: map[string]int64{"pmax": 20}, Random: appendixDSteps},
		},
		Random: appendixDSteps, RandomName: "Appendix D", Draws: appendixDDraws,
		Exact: knapsackExact, Paper: knapsackPaper,
	},
	{
		Name: "knapsack_int", Program: "examples/knapsack_int.dp",
		Settings: []Setting{
			{Label: "pmax=10,capacity=30", Params: map[string]int64{"pmax": 10, "capacity": 30}, Random: uniformSteps(1, 10)},
		},
		Exact: knapsackIntExact, Paper: knapsackPaper,
	},
	{
		Name: "subsetsum", Program: "examples/subsetsum.dp",
		Settings: []Setting{
			{Label: "capacity=20", Params: map[string]int64{"capacity": 20}, Random: uniformSteps(1, 10)},
		},
		Exact: subsetSumExact,
	},
	{
		Name: "change", Program: "examples/change.dp",
		Settings: []Setting{
			// K = 100 is above the number of coins (at most 10), as change.dp asks.
			{Label: "amax=20", Params: map[string]int64{"amax": 20, "K": 100}, Random: uniformSteps(1, 10)},
		},
		Exact: changeExact,
	},
	{
		// A per-cell initial value (0 at s = 0, K elsewhere) with per-step
		// inputs, a program of the tests (read from the repository): the
		// smooth scheme once ignored such initial values.
		Name: "exactcost", Program: "testdata/programs/exactcost.dp",
		Settings: []Setting{
			{Label: "capacity=12", Params: map[string]int64{"capacity": 12, "K": 100}, Random: uniformSteps(1, 10)},
		},
		Exact: exactCostExact,
	},
	{
		Name: "lcs", Program: "examples/lcs.dp",
		Settings: []Setting{
			{Label: "m=6,n=6,a=4", Params: map[string]int64{"m": 6, "n": 6, "a": 4}},
			{Label: "m=7,n=5,a=2", Params: map[string]int64{"m": 7, "n": 5, "a": 2}},
			{Label: "m=1,n=7,a=3", Params: map[string]int64{"m": 1, "n": 7, "a": 3}},
		},
		Random: randomLCS, ExactData: lcsExact, Bounds: lcsBounds, NoAnswer: "no common subsequence length",
	},
	{
		Name: "bellmanford", Program: "examples/bellmanford.dp",
		Settings: []Setting{
			{Label: "n=6,s=1,cmax=10", Params: map[string]int64{"n": 6, "s": 1, "cmax": 10}},
			{Label: "n=5,s=3,cmax=4", Params: map[string]int64{"n": 5, "s": 3, "cmax": 4}},
			{Label: "n=2,s=2,cmax=3", Params: map[string]int64{"n": 2, "s": 2, "cmax": 3}},
		},
		Random: randomCostMatrix, ExactData: bellmanFordExact, Bounds: bellmanFordBounds,
	},
	{
		Name: "apsp", Program: "examples/apsp.dp",
		Settings: []Setting{
			{Label: "n=6,cmax=10", Params: map[string]int64{"n": 6, "cmax": 10}},
			// n = 5: 1 + ceil_log2(4) = 3 steps reach L(4), which misses a
			// Hamiltonian cycle of 5 arcs; the extra step of the fixpoint
			// check must find it.
			{Label: "n=5,cmax=6", Params: map[string]int64{"n": 5, "cmax": 6}},
			{Label: "n=2,cmax=3", Params: map[string]int64{"n": 2, "cmax": 3}},
		},
		Random: randomCostMatrix, ExactData: apspExact, Bounds: apspBounds,
	},
	{
		Name: "csp", Program: "examples/csp.dp",
		Settings: []Setting{
			{Label: "n=5,s=1,t=5,lmax=4,rmax=10", Params: map[string]int64{"n": 5, "s": 1, "t": 5, "lmax": 4, "rmax": 10}},
			{Label: "n=6,s=2,t=1,lmax=2,rmax=6", Params: map[string]int64{"n": 6, "s": 2, "t": 1, "lmax": 2, "rmax": 6}},
			{Label: "n=4,s=3,t=1,lmax=3,rmax=4", Params: map[string]int64{"n": 4, "s": 3, "t": 1, "lmax": 3, "rmax": 4}},
		},
		Random: randomCSP, ExactData: cspExact, Bounds: cspBounds, FPTASSlack: cspSlack,
		NoAnswer: "no walk from s to t has resource at most R",
	},
	{
		Name: "heldkarp", Program: "examples/heldkarp.dp",
		Settings: []Setting{
			{Label: "n=5,cmax=100", Params: map[string]int64{"n": 5, "cmax": 100}},
			{Label: "n=7,cmax=20", Params: map[string]int64{"n": 7, "cmax": 20}},
			{Label: "n=2,cmax=5", Params: map[string]int64{"n": 2, "cmax": 5}},
		},
		Random: randomATSP, ExactData: heldKarpExact, Bounds: heldKarpBounds,
		NoAnswer: "no tour visits every city",
	},
	// Base cases as branches of one if (branchproblems.go).
	{
		Name: "gridpath", Program: "examples/gridpath.dp",
		Settings: []Setting{
			{Label: "m=4,n=5,cmax=9", Params: map[string]int64{"m": 4, "n": 5, "cmax": 9}},
			{Label: "m=1,n=6,cmax=5", Params: map[string]int64{"m": 1, "n": 6, "cmax": 5}},
			{Label: "m=5,n=1,cmax=5", Params: map[string]int64{"m": 5, "n": 1, "cmax": 5}},
		},
		Random: randomGrid, ExactData: gridPathExact,
	},
	{
		Name: "editdist", Program: "examples/editdist.dp",
		Settings: []Setting{
			{Label: "m=4,n=5,a=3", Params: map[string]int64{"m": 4, "n": 5, "a": 3}},
			{Label: "m=6,n=2,a=2", Params: map[string]int64{"m": 6, "n": 2, "a": 2}},
			{Label: "m=1,n=4,a=4", Params: map[string]int64{"m": 1, "n": 4, "a": 4}},
		},
		Random: randomLCS, ExactData: editDistExact,
	},
	{
		Name: "palindrome", Program: "examples/palindrome.dp",
		Settings: []Setting{
			{Label: "n=6,a=3", Params: map[string]int64{"n": 6, "a": 3}},
			{Label: "n=9,a=2", Params: map[string]int64{"n": 9, "a": 2}},
			{Label: "n=1,a=2", Params: map[string]int64{"n": 1, "a": 2}},
		},
		Random: randomPalindrome, ExactData: palindromeExact,
	},
	{
		Name: "rodcut", Program: "examples/rodcut.dp",
		Settings: []Setting{
			{Label: "n=8,pmax=30", Params: map[string]int64{"n": 8, "pmax": 30}},
			{Label: "n=12,pmax=9", Params: map[string]int64{"n": 12, "pmax": 9}},
			{Label: "n=1,pmax=5", Params: map[string]int64{"n": 1, "pmax": 5}},
		},
		Random: randomPrices, ExactData: rodCutExact,
	},
}

// HasData reports whether the problem's program has data (and a steps
// line) rather than per-step inputs.
func (p *Problem) HasData() bool { return p.ExactData != nil }

// Case is one setting of a Problem with per-step inputs, as the tests use
// it: the program, its params, a generator and the brute-force answer.
type Case struct {
	Name    string // "knapsack/pmax=20"
	Program string
	Params  map[string]int64
	Random  func(rng *rand.Rand, m *dsl.Model) [][]float64
	Exact   func(steps [][]float64, m *dsl.Model) (float64, error)
}

// Model reads, parses and checks the case's program with its params.
func (c Case) Model() (*dsl.Model, error) { return checkProgram(c.Program, c.Params) }

// DataCase is one setting of a Problem with data.
type DataCase struct {
	Name    string // "lcs/m=6,n=6,a=4"
	Program string
	Params  map[string]int64
	Random  func(rng *rand.Rand, m *dsl.Model) [][]float64
	Exact   func(m *dsl.Model, data [][]float64) (DataAnswer, error)
}

// Model reads, parses and checks the case's program with its params.
func (c DataCase) Model() (*dsl.Model, error) { return checkProgram(c.Program, c.Params) }

// StepCases lists every setting of the problems with per-step inputs, in
// table order. Every answer is an integer, so the DP's answer must equal
// Exact exactly.
func StepCases() []Case {
	var out []Case
	for _, p := range Table {
		if p.HasData() {
			continue
		}
		for _, s := range p.Settings {
			out = append(out, Case{Name: p.Name + "/" + s.Label, Program: p.Program, Params: s.Params, Random: s.random(&p), Exact: p.Exact})
		}
	}
	return out
}

// DataCases lists every setting of the problems with data, in table
// order. Every value is an integer and every solver exact on integers, so
// the interpreter must agree exactly.
func DataCases() []DataCase {
	var out []DataCase
	for _, p := range Table {
		if !p.HasData() {
			continue
		}
		for _, s := range p.Settings {
			out = append(out, DataCase{Name: p.Name + "/" + s.Label, Program: p.Program, Params: s.Params, Random: s.random(&p), Exact: p.ExactData})
		}
	}
	return out
}

func (s Setting) random(p *Problem) func(*rand.Rand, *dsl.Model) [][]float64 {
	if s.Random != nil {
		return s.Random
	}
	return p.Random
}

func checkProgram(path string, params map[string]int64) (*dsl.Model, error) {
	f, err := readProgram(path)
	if err != nil {
		return nil, err
	}
	return dsl.Check(f, params)
}

// readProgram parses a program of the table from the copy of examples/
// embedded in the binary, so that it is found wherever dp2nn runs.
func readProgram(path string) (*dsl.File, error) {
	if strings.HasPrefix(path, "testdata/programs/") {
		// A row for the tests: its program is read from the repository
		// (not embedded), so outside it the row is no problem of the table.
		return repo.ReadProgram(path)
	}
	name, ok := strings.CutPrefix(path, "examples/")
	if !ok {
		return nil, fmt.Errorf("problems: %s is not a program of examples/ or testdata/programs/", path)
	}
	src, err := examples.FS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return dsl.Parse(path, src)
}

// Identify returns the problem whose program m is: the same checked
// program as the table's, term for term, with m's params. Names of the
// program and of its file, comments, layout and param defaults do not
// matter; a program that differs in any term, range or declaration is no
// problem of the table (ok false), and gets the checks every program gets
// (the exact interpreter) and no problem-specific ones.
func Identify(m *dsl.Model) (p *Problem, ok bool) {
	want := Fingerprint(m)
	params := map[string]int64{}
	for _, prm := range m.Params {
		params[prm.Name] = prm.Value
	}
	for i := range Table {
		f, err := readProgram(Table[i].Program)
		if err != nil || !sameParams(f, params) {
			continue
		}
		// m passed its own checks; the table's program with m's params
		// may be as large (an fptas profit sum of 10^12).
		tm, err := dsl.CheckWith(f, params, dsl.Limits{MaxCount: 1 << 53})
		if err != nil {
			continue
		}
		if Fingerprint(tm) == want {
			return &Table[i], true
		}
	}
	return nil, false
}

func sameParams(f *dsl.File, params map[string]int64) bool {
	if len(f.Params) != len(params) {
		return false
	}
	for _, p := range f.Params {
		if _, ok := params[p.Name.Name]; !ok {
			return false
		}
	}
	return true
}

// Fingerprint is the structure of a checked program: its dump (every
// declaration, term, type and interval) without the program's name,
// positions and source snippets.
func Fingerprint(m *dsl.Model) string {
	var b strings.Builder
	if err := dsl.Dump(&b, m); err != nil {
		return ""
	}
	lines := strings.Split(b.String(), "\n")
	out := make([]string, 0, len(lines))
	for i, ln := range lines {
		if i == 0 && strings.HasPrefix(ln, "Model ") {
			continue
		}
		if k := strings.Index(ln, ` "`); k >= 0 {
			ln = ln[:k]
		}
		if k := strings.Index(ln, " @"); k >= 0 {
			ln = ln[:k]
		}
		if k := strings.Index(ln, " ("); k >= 0 && strings.HasPrefix(strings.TrimSpace(ln), "param ") {
			ln = ln[:k] // "(default)" or "(-set)": how the value was given
		}
		out = append(out, strings.TrimRight(ln, " "))
	}
	return strings.Join(out, "\n")
}

// Names lists the problems' names, sorted.
func Names() []string {
	out := make([]string, len(Table))
	for i, p := range Table {
		out[i] = p.Name
	}
	sort.Strings(out)
	return out
}

// cspSlack: for the constrained shortest path the optimal walk is simple
// (lengths ≥ 1, resources ≥ 0), so it has at most n − 1 arcs, each
// rounded up by less than k (docs/beyond.md, RoundLengths).
func cspSlack(m *dsl.Model, k float64) (float64, string, bool) {
	n, ok := m.Param("n")
	if !ok {
		return 0, "", false
	}
	return k * float64(n-1), fmt.Sprintf("k·(n−1) = %g·%d", k, n-1), true
}
