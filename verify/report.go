package verify

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
)

// MismatchError is a disagreement between a network (or model) and its
// ground truth, found by a check that ran to its end: the command line
// turns it into exit code 1, every other error into 2.
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
	Against    string `json:"against,omitempty"`
	Rows       []Row  `json:"rows"`
	Mismatches int    `json:"mismatches"`
	Failures   []Case `json:"failures,omitempty"`
}

// Row summarises the cases of one source (random or one file).
type Row struct {
	Source     string             `json:"source"`
	Params     string             `json:"params"`
	Cases      int                `json:"cases"`
	Steps      int                `json:"steps"`
	MaxErr     map[string]float64 `json:"max_abs_error"`
	Answer     string             `json:"answer,omitempty"`
	Known      string             `json:"known,omitempty"`
	Mismatches int                `json:"mismatches"`
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

// Add counts case c in row, keeping the largest error per label and the
// first failures.
func (rep *Report) Add(row *Row, c *Case) {
	if row.MaxErr == nil {
		row.MaxErr = map[string]float64{}
	}
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
		if len(rep.Failures) < maxFailures {
			rep.Failures = append(rep.Failures, *c)
		}
	}
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
		hdr += fmt.Sprintf("\tmax|err| %s", d)
	}
	fmt.Fprintln(tw, hdr+"\tanswer\tknown\tmismatches")
	for _, r := range rep.Rows {
		line := fmt.Sprintf("%s\t%s\t%d\t%d", r.Source, r.Params, r.Cases, r.Steps)
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\tskipped: %s\n", line, r.Skipped)
			continue
		}
		for _, d := range labels {
			line += fmt.Sprintf("\t%.3g", r.MaxErr[string(d)])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", line, orDash(r.Answer), orDash(r.Known), r.Mismatches)
	}
	tw.Flush()
	rep.writeDataNotes(w)
	for _, c := range rep.Failures {
		fmt.Fprintf(w, "MISMATCH %s: %s\n", c.Name, c.Mismatch)
	}
	fmt.Fprintf(w, "%d mismatches\n", rep.Mismatches)
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
