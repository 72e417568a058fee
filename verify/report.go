package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
)

// MismatchError is a verification that failed: a disagreement between a
// network (or model) and its ground truth, found by a check that ran to
// its end, or a check that checked nothing. The command line turns it
// into exit code 1, every other error into 2.
type MismatchError struct{ Msg string }

func (e *MismatchError) Error() string { return e.Msg }

func mismatchf(format string, args ...any) error {
	return &MismatchError{fmt.Sprintf(format, args...)}
}

// Report is the outcome of a verification: one row per source of
// instances (the random ones, each file), the mismatches and the first
// failures. It is the JSON output of "dp2nn verify".
type Report struct {
	Program string `json:"program"`
	Scheme  string `json:"scheme"`
	// Against says what the network is compared with, when it is not the
	// default for the scheme (programs with data).
	Against string `json:"against,omitempty"`
	Rows    []Row  `json:"rows"`
	// Cases is the number of instances checked over every row; Skipped
	// the rows skipped (instance files the network cannot take).
	Cases      int    `json:"cases"`
	Skipped    int    `json:"skipped"`
	Mismatches int    `json:"mismatches"`
	Failures   []Case `json:"failures,omitempty"`
	// Progress, when not nil, is told after each instance checked or
	// skipped how many are done (the command line's progress bar).
	Progress func(done int) `json:"-"`
	done     int
}

// Row summarises the cases of one source (random or one file).
type Row struct {
	Source string            `json:"source"`
	Params string            `json:"params"`
	Cases  int               `json:"cases"`
	Steps  int               `json:"steps"`
	MaxErr map[string]Number `json:"max_abs_error"`
	// Tolerance is, per label, the largest tolerance a case of the row
	// was held to (Run.Tolerance: the dtype's roundoff times the steps
	// and the magnitude of the values, 0 where the network is exact).
	Tolerance  map[string]Number `json:"tolerance"`
	Answer     string            `json:"answer,omitempty"`
	Known      string            `json:"known,omitempty"`
	Mismatches int               `json:"mismatches"`
	// Undecidable counts instances whose answer the rounded values cannot
	// tell (Case.Undecidable): no answer is given, not a wrong one.
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

// maxFailures is how many failed cases a report keeps.
const maxFailures = 20

// Add counts case c in row, keeping the largest error and tolerance per
// label and the first failures.
func (rep *Report) Add(row *Row, c *Case) {
	if row.MaxErr == nil {
		row.MaxErr = map[string]Number{}
	}
	if row.Tolerance == nil {
		row.Tolerance = map[string]Number{}
	}
	row.Cases++
	rep.Cases++
	row.Steps += c.Steps
	for _, r := range c.Runs {
		if old, seen := row.MaxErr[r.Label]; !seen || r.MaxErr > float64(old) || math.IsNaN(r.MaxErr) {
			row.MaxErr[r.Label] = Number(r.MaxErr)
		}
		if old, seen := row.Tolerance[r.Label]; !seen || r.Tolerance > float64(old) {
			row.Tolerance[r.Label] = Number(r.Tolerance)
		}
	}
	if c.Undecidable != "" {
		row.Undecidable++
	}
	if c.Mismatch != "" {
		row.Mismatches++
		rep.Mismatches++
		if len(rep.Failures) < maxFailures {
			rep.Failures = append(rep.Failures, *c)
		}
	}
	rep.tick()
}

// Skip adds row as skipped, saying why.
func (rep *Report) Skip(row Row, why string) {
	row.Skipped = why
	rep.Rows = append(rep.Rows, row)
	rep.Skipped++
	rep.tick()
}

func (rep *Report) tick() {
	rep.done++
	if rep.Progress != nil {
		rep.Progress(rep.done)
	}
}

// Err is the verdict: nil when at least one case was checked and none
// disagreed; otherwise a *MismatchError saying how many cases disagreed
// between what (e.g. "the network and the exact DP"), or that nothing
// was checked, which is a failure too.
func (rep *Report) Err(what string) error {
	switch {
	case rep.Mismatches > 0:
		return mismatchf("%d mismatches between %s", rep.Mismatches, what)
	case rep.Cases == 0 && rep.Skipped > 0:
		return mismatchf("nothing was checked: all %d instance files were skipped (the report says why)", rep.Skipped)
	case rep.Cases == 0:
		return mismatchf("nothing was checked: there was no instance")
	case rep.undecidable() == rep.Cases:
		return mismatchf("nothing was checked: the answer of every one of the %d cases is undecidable at this dtype (the report says why); use an integer program or a smaller instance", rep.Cases)
	}
	return nil
}

// undecidable counts the cases whose answer no observation could tell.
func (rep *Report) undecidable() int {
	n := 0
	for _, r := range rep.Rows {
		n += r.Undecidable
	}
	return n
}

// WriteText prints the report as a table with one max|err| column per
// label (the dtypes, or the runtime and dtype of a model).
func (rep *Report) WriteText(w io.Writer, labels []engine.DType) {
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
	for _, d := range labels {
		hdr += fmt.Sprintf("\tmax|err| %s\ttol %s", d, d)
	}
	fmt.Fprintln(tw, hdr+"\tanswer\tknown\tmismatches")
	for _, r := range rep.Rows {
		line := fmt.Sprintf("%s\t%s\t%d\t%d", r.Source, r.Params, r.Cases, r.Steps)
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\tskipped (why: below)\n", line)
			continue
		}
		for _, d := range labels {
			line += fmt.Sprintf("\t%.3g\t%.3g", float64(r.MaxErr[string(d)]), float64(r.Tolerance[string(d)]))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", line, orDash(r.Answer), orDash(r.Known), r.Mismatches)
	}
	tw.Flush()
	for _, r := range rep.Rows {
		if r.Skipped != "" {
			fmt.Fprintf(w, "skipped %s: %s\n", r.Source, strings.ReplaceAll(r.Skipped, "\n", "\n  "))
		}
	}
	rep.writeDataNotes(w)
	for _, c := range rep.Failures {
		fmt.Fprintf(w, "MISMATCH %s: %s\n", c.Name, c.Mismatch)
	}
	if rep.Mismatches > len(rep.Failures) {
		fmt.Fprintf(w, "(the first %d of the %d mismatching cases are listed)\n", len(rep.Failures), rep.Mismatches)
	}
	fmt.Fprintf(w, "tolerance: a state may differ from the truth by tol, derived from the dtype's unit roundoff, the steps and the magnitude of the values (0: exact)\n")
	skipped := ""
	if rep.Skipped > 0 {
		skipped = fmt.Sprintf(", %d skipped", rep.Skipped)
	}
	fmt.Fprintf(w, "%d cases checked%s, %d mismatches\n", rep.Cases, skipped, rep.Mismatches)
}

// writeDataNotes says how many instances exercised the fixpoint check,
// the "no answer" case and answers the rounded values cannot tell.
func (rep *Report) writeDataNotes(w io.Writer) {
	for _, r := range rep.Rows {
		var parts []string
		if r.Fixpoint > 0 {
			parts = append(parts, fmt.Sprintf("%d fail require fixpoint", r.Fixpoint))
		}
		if r.NoAnswer > 0 {
			parts = append(parts, fmt.Sprintf("%d have no finite answer", r.NoAnswer))
		}
		if r.Undecidable > 0 {
			parts = append(parts, fmt.Sprintf("%d undecidable at this dtype (a comparison lies within the rounding error bound: no answer given)", r.Undecidable))
		}
		if r.MaxGap != nil {
			parts = append(parts, fmt.Sprintf("answer − OPT is at most %g (guarantee: at most %s)", *r.MaxGap, r.Slack))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "%s: of %d instances, %s\n", r.Source, r.Cases, strings.Join(parts, "; "))
		}
	}
}

// runJSON is Run as JSON, its errors as Numbers (a NaN or infinite error
// is what a failure may have).
type runJSON struct {
	plainRun
	MaxErr    Number
	Tolerance Number
}

type plainRun Run

// MarshalJSON writes r with MaxErr and Tolerance as Numbers.
func (r Run) MarshalJSON() ([]byte, error) {
	return json.Marshal(runJSON{plainRun(r), Number(r.MaxErr), Number(r.Tolerance)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Run) UnmarshalJSON(b []byte) error {
	var j runJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Run(j.plainRun)
	r.MaxErr, r.Tolerance = float64(j.MaxErr), float64(j.Tolerance)
	return nil
}

// orDash is s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ParamString prints the params of m as the reports do: "n=4 s=1
// cmax=10", or "no params".
func ParamString(m *dsl.Model) string {
	var ps []string
	for _, p := range m.Params {
		ps = append(ps, fmt.Sprintf("%s=%d", p.Name, p.Value))
	}
	if len(ps) == 0 {
		return "no params"
	}
	return strings.Join(ps, " ")
}
