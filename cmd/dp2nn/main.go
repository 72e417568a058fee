// Command dp2nn compiles dynamic programs written in the dp2nn DSL to ReLU
// networks that execute them, runs them, exports them as ONNX and verifies
// them against an exact DP. Run "dp2nn help" for the commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/cliflag"
	"github.com/dp2nn/dp2nn/verify"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK       = 0
	exitMismatch = 1 // verification found a mismatch
	exitUsage    = 2 // bad input: flags, DSL, instance, model file
)

// userError is bad input: reported as one message, exit code 2.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

func userErrorf(format string, args ...any) error {
	return &userError{fmt.Sprintf(format, args...)}
}

type command struct {
	name, args, summary string
	run                 func(args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"check", "FILE.dp [-set NAME=V ...]", "parse and check a program; print its summary", runCheck},
		{"widths", "FILE.dp [-set NAME=V ...] [-scheme exact|fptas -P N|smooth ...] [-form cell|unrolled -steps N] [-sweep NAME[,NAME]=LO..HI [-plot F.png] [-quiet]] [-json]", "layer widths, depth, size and parameters, beside the paper's formulas (programs with data: cell and unrolled network against the O() bounds of problems.Table); -sweep/-plot over a param", runWidths},
		{"solve", "FILE.dp -instance F [-json] | -instances DIR|F.jsonl [-quiet] [-set NAME=V ...] [-scheme exact|fptas -P N|-eps E|smooth -reg R -gamma G] [-dtype float64|float32] [-max-neurons N]", "run the compiled network on an instance, decode the answer, backtrack the choices; programs with data take a JSON instance with \"data\" or a TSPLIB, OR-Library rcsp, CLRS graph or sequence file and are checked against the exact interpreter; -instances solves a batch (a directory, or one JSON instance per line) on every core, one JSON line per instance", runSolve},
		{"verify", "FILE.dp|MODEL.onnx [-set NAME=V ...] [-scheme ...] [-random N -seed S] [-instances DIR] [-dtype D] [-form cell|unrolled] [-runtime go|ort|onnxgo] [-json] [-quiet]", "compare the network (or an exported model in a runtime) with the exact DP on random and real instances (programs with data: random instances of problems.Table, also against its independent solvers); says how many cases it checked, and fails when it checked none; a model trained by dp2nn study width -onnx: how often it answers exactly, beside the compiled network", runVerify},
		{"compile", "FILE.dp [-set NAME=V ...] [-scheme ...] -o OUT.onnx [-layout auto|dense|structured|vector] [-form cell|unrolled|loop|auto] [-dtype D] [-decode] [-quiet] [-json]", "export the network as ONNX (programs with data: data inputs given once, the steps line's step count)", runCompile},
		{"optimum", "-instance FILE|DIR [-method auto|weight-dp|profit-dp|branch-and-bound|core-dp|proximity] [-json] [-quiet]", "the exact optimum of knapsack instances: value, items (numbered from 1), the method used and the time", runOptimum},
		{"study", "NAME [flags]", studySummary + "; 'dp2nn help study' lists the studies", runStudy},
		{"help", "[COMMAND | study NAME]", "show this help, a command's flags or a study's", nil},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" || isHelpFlag(name) {
		if len(args) > 2 && args[1] == "study" {
			s, ok := studies[args[2]]
			if !ok {
				fmt.Fprintf(stderr, "dp2nn: unknown study %q; run 'dp2nn help study'\n", args[2])
				return exitUsage
			}
			helpStudy(s, stdout)
			return exitOK
		}
		if len(args) > 1 && !isHelpFlag(args[1]) { // "help -h": this usage
			return helpCommand(args[1], stdout, stderr)
		}
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == name && c.run != nil {
			err := c.run(args[1:], stdout, stderr)
			if errors.Is(err, flag.ErrHelp) { // -h, -help
				return helpCommand(name, stdout, stderr)
			}
			return report(err, stderr)
		}
	}
	fmt.Fprintf(stderr, "dp2nn: unknown command %q; run 'dp2nn help'\n", name)
	return exitUsage
}

func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var list dsl.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(stderr, e)
		}
		return exitUsage
	}
	code := exitUsage
	var mm *verify.MismatchError
	if errors.As(err, &mm) {
		code = exitMismatch
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(stderr, "dp2nn: %s\n", line)
	}
	return code
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "dp2nn compiles dynamic programs to ReLU networks that provably execute them.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  dp2nn %s %s\n      %s\n", c.name, c.args, c.summary)
		if c.name == "study" {
			fmt.Fprintf(w, "      studies: %s\n", strings.Join(studyNames(), ", "))
		}
	}
	fmt.Fprintln(w, "\nFlags may come before or after FILE; a flag that does not apply to the command, the input or the")
	fmt.Fprintln(w, "scheme is refused. Exit codes: 0 ok, 1 verification failed (a mismatch, or nothing checked), 2 bad input.")
	fmt.Fprintln(w, "The language is described in docs/dsl.md, the lowering rules in docs/lowering.md.")
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

func helpCommand(name string, stdout, stderr io.Writer) int {
	if name == "help" { // "dp2nn help help"
		usage(stdout)
		return exitOK
	}
	if name == "study" {
		helpStudies(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == name && c.run != nil {
			fmt.Fprintf(stdout, "dp2nn %s %s\n    %s\n\nFlags:\n", c.name, c.args, c.summary)
			fs := flagSets[c.name]()
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
	}
	fmt.Fprintf(stderr, "dp2nn: unknown command %q; run 'dp2nn help'\n", name)
	return exitUsage
}

// flagSets builds each command's flag set, for help output.
var flagSets = map[string]func() *flag.FlagSet{}

// The flag wiring is internal/cliflag's: flags before or after FILE
// (parseArgs), the flags given, rules refusing those that do not apply,
// and -set NAME=INTEGER.
var (
	parseArgs = cliflag.Parse
	given     = cliflag.Given
)

type setFlag = cliflag.Params

// rule is cliflag.Rule, written unkeyed: {flag, ok, why}.
type rule struct {
	Flag string
	OK   bool
	Why  string
}

// refuse is cliflag.Refuse of rules.
func refuse(cmd string, set map[string]bool, rules ...rule) error {
	rs := make([]cliflag.Rule, len(rules))
	for i, r := range rules {
		rs[i] = cliflag.Rule(r)
	}
	return cliflag.Refuse(cmd, set, rs...)
}

// fileArg parses a command's flags and returns its one FILE argument.
func fileArg(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseArgs(fs, args)
	switch {
	case err != nil:
		return "", err
	case len(pos) == 0:
		return "", userErrorf("%s: missing FILE.dp", fs.Name())
	case len(pos) > 1:
		return "", userErrorf("%s: want one FILE.dp, got %d arguments: %s", fs.Name(), len(pos), strings.Join(pos, " "))
	}
	return pos[0], nil
}

// parseProgram reads and parses a .dp file.
func parseProgram(path string) (*dsl.File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, userErrorf("cannot read program: %v", err)
	}
	return dsl.Parse(path, src)
}

// schemeOpts are the lowering flags shared by several commands.
type schemeOpts struct {
	compile.SchemeFlags
	name  string
	given map[string]bool // the flags given (set by request)
	data  bool            // the program has data: no n for -eps
}

func addSchemeFlags(fs *flag.FlagSet, withN bool) *schemeOpts {
	o := &schemeOpts{}
	fs.StringVar(&o.name, "scheme", "exact", "lowering scheme: exact (the DP-NN), fptas (the FPTAS-NN, a table of fixed size P) or smooth (smoothed max, unrolled over the instance)")
	fs.StringVar(&o.Reg, "reg", "shannon", "smooth: regulariser shannon, gini or tsallis")
	fs.Float64Var(&o.Gamma, "gamma", 1, "smooth: strength γ > 0")
	fs.IntVar(&o.P, "P", 0, "fptas: table size P >= 1 (width O(P²); value >= (1 - n²/P)·OPT); for a program with data (csp.dp): the values a rounded offset takes, k = ⌈lmax/P⌉, answer k·c' <= OPT + k·(n−1)")
	fs.Float64Var(&o.Eps, "eps", 0, "fptas: target error ε in (0,1); chooses P = ⌈n²/ε⌉")
	if withN {
		fs.IntVar(&o.N, "n", 0, "fptas with -eps: the number of items n the guarantee is for")
	}
	return o
}

// rules are the scheme flags' applicability under scheme s: each goes
// with its scheme, -n with -eps.
func (o *schemeOpts) rules(s compile.Scheme) []rule {
	eps := "-eps is the target error of -scheme fptas"
	if s == compile.FPTAS {
		eps = "a program with data has no number of items n for P = ⌈n²/ε⌉: give -P (the values a rounded offset takes)"
	}
	return []rule{
		{"P", s == compile.FPTAS, "-P is the table size of -scheme fptas"},
		{"eps", s == compile.FPTAS && !o.data, eps},
		{"n", s == compile.FPTAS && o.given["eps"], "-n is the number of items -eps is for (-scheme fptas -eps E)"},
		{"reg", s == compile.Smooth, "-reg is the regulariser of -scheme smooth"},
		{"gamma", s == compile.Smooth, "-gamma is the strength of -scheme smooth"},
	}
}

// request validates the scheme flags of fs, once, into the lowering they
// ask for; -eps chooses P per instance (Request.For). extra are rules of
// the command's other flags under the scheme, refused with the scheme's.
func (o *schemeOpts) request(fs *flag.FlagSet, extra func(compile.Scheme) []rule) (compile.Request, error) {
	o.given = given(fs)
	s, err := compile.ParseScheme(o.name)
	if err != nil {
		return compile.Request{}, userErrorf("-scheme: %v", err)
	}
	rules := o.rules(s)
	if extra != nil {
		rules = append(rules, extra(s)...)
	}
	if err := refuse(fs.Name(), o.given, rules...); err != nil {
		return compile.Request{}, err
	}
	return o.SchemeFlags.Request(s, o.given)
}

// options is request for a command without an instance.
func (o *schemeOpts) options(fs *flag.FlagSet, extra func(compile.Scheme) []rule) (compile.Options, error) {
	r, err := o.request(fs, extra)
	if err != nil {
		return compile.Options{}, err
	}
	return r.WithoutItems()
}
