package verify

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/problems"
)

// TrainedMark is the metadata key of a model that was trained, not
// compiled (the width study's nets, study.ExportTrained): its value is
// the width of its hidden layers. Such a model approximates the DP step,
// so it is not held to the compiled network's error bound; Trained
// counts how often it still gives the exact answer.
const TrainedMark = "trained.width"

// TrainedReport compares a trained model with the compiled network of
// the same program on the same random instances: how often each answers
// exactly what the exact DP answers.
type TrainedReport struct {
	Model    string `json:"model"`
	Program  string `json:"program"`
	Params   string `json:"params"`
	Source   string `json:"source"` // the random instances
	Cases    int    `json:"cases"`
	Trained  Tally  `json:"trained"`
	Compiled Tally  `json:"compiled"`
	// MaxErr is the trained model's largest |state − exact DP| over every
	// cell of every step; MeanFinal its mean over the cells of the last
	// state of every instance.
	MaxErr    Number `json:"max_abs_error"`
	MeanFinal Number `json:"mean_abs_error_final"`
	// MaxMiss is the largest |trained answer − exact answer| seen.
	MaxMiss float64 `json:"max_answer_miss"`
	// Failures are the first instances the trained model answered wrong.
	Failures []string `json:"failures,omitempty"`
}

// Tally counts the answers of one network.
type Tally struct {
	Exact       int `json:"exact"`
	Wrong       int `json:"wrong"`
	Undecidable int `json:"undecidable,omitempty"`
}

// Rate is the fraction of exact answers among n.
func (t Tally) Rate(n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(t.Exact) / float64(n)
}

// Trained runs the trained model of run on count random instances of its
// program (the generator of its row of problems.Table, as Model draws
// them) and the compiled network net in the Go evaluator in float64 on
// the same ones. The trained model's last state is decoded as the
// program's answer says, with no error bound (it has none); the
// compiled network is checked as Model checks it (Compare).
func Trained(run *engine.Runner, net *compile.Network, count int, seed uint64, nsteps int, progress func(done int)) (*TrainedReport, error) {
	m := net.Model
	if m.Answer == nil {
		return nil, fmt.Errorf("verify: program %s has no answer to compare", m.Name)
	}
	if len(net.Data) > 0 {
		return nil, fmt.Errorf("verify: a trained model of a program with data (%s) is not supported", m.Name)
	}
	if count < 1 {
		return nil, fmt.Errorf("verify: a trained model is checked on random instances: give -random N")
	}
	gen, genName := problems.RandomFor(m, nsteps)
	rep := &TrainedReport{Program: m.Name, Params: ParamString(m), Source: fmt.Sprintf("random %s, seed %d", genName, seed)}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var sumFinal float64
	var cells int
	for i := range count {
		steps := gen(rng)
		name := fmt.Sprintf("random #%d", i+1)
		t, err := newTruth(net, steps, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		obs, err := run.Observe(steps)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		r := Run{}
		for step, st := range obs.States {
			if st == nil {
				continue
			}
			if err := t.compare(net, step, st, &r); err != nil {
				return nil, err
			}
		}
		if r.MaxErr > float64(rep.MaxErr) || math.IsNaN(r.MaxErr) {
			rep.MaxErr = Number(r.MaxErr)
		}
		final := obs.States[len(steps)]
		if final == nil {
			return nil, fmt.Errorf("%s: the model shows no final state", name)
		}
		for s := range final {
			want := t.exact.State(len(steps), s)
			for c, v := range final[s] {
				sumFinal += math.Abs(v - want[c])
				cells++
			}
		}
		got, err := net.Decode(final, 0)
		switch {
		case compile.IsUndecidable(err):
			rep.Trained.Undecidable++
		case err != nil:
			return nil, fmt.Errorf("%s: %v", name, err)
		case got.Found == t.found && (!got.Found || got.Value == t.value):
			rep.Trained.Exact++
		default:
			rep.Trained.Wrong++
			if got.Found && t.found {
				rep.MaxMiss = math.Max(rep.MaxMiss, math.Abs(got.Value-t.value))
			}
			if len(rep.Failures) < maxFailures {
				rep.Failures = append(rep.Failures, fmt.Sprintf("%s (%d items): trained %s, exact DP %s", name, len(steps), got, t.answer))
			}
		}
		c, err := AgainstDP(net, name, steps, []engine.DType{engine.Float64}, nil)
		if err != nil {
			return nil, err
		}
		switch {
		case c.Mismatch != "":
			rep.Compiled.Wrong++
		case c.Undecidable != "":
			rep.Compiled.Undecidable++
		default:
			rep.Compiled.Exact++
		}
		rep.Cases++
		if progress != nil {
			progress(i + 1)
		}
	}
	rep.MeanFinal = Number(sumFinal / float64(max(cells, 1)))
	return rep, nil
}

// WriteText prints the report.
func (r *TrainedReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "verify %s: a trained model (%s, %s) against the exact DP, beside the compiled network (Go, float64)\n", r.Model, r.Program, r.Params)
	fmt.Fprintf(w, "%s: %d instances\n", r.Source, r.Cases)
	fmt.Fprintf(w, "%-9s  %6s  %7s  %6s  %11s\n", "network", "exact", "rate", "wrong", "undecidable")
	for _, row := range []struct {
		name string
		t    Tally
	}{{"trained", r.Trained}, {"compiled", r.Compiled}} {
		fmt.Fprintf(w, "%-9s  %6d  %6.1f%%  %6d  %11d\n", row.name, row.t.Exact, 100*row.t.Rate(r.Cases), row.t.Wrong, row.t.Undecidable)
	}
	fmt.Fprintf(w, "trained: max |state − exact DP| %.3g over every step, mean %.3g on the last state; largest answer miss %g\n", float64(r.MaxErr), float64(r.MeanFinal), r.MaxMiss)
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  wrong: %s\n", f)
	}
}

// Err is the verdict: a trained model that answered any instance wrong
// is not a correct network, and a compiled one must never be.
func (r *TrainedReport) Err() error {
	switch {
	case r.Cases == 0:
		return mismatchf("nothing was checked: there was no instance")
	case r.Compiled.Wrong > 0:
		return mismatchf("the compiled network answered %d of %d instances wrong", r.Compiled.Wrong, r.Cases)
	case r.Trained.Wrong+r.Trained.Undecidable > 0:
		return mismatchf("the trained model gave the exact answer on %d of %d instances (%.1f%%); the compiled network on %d", r.Trained.Exact, r.Cases, 100*r.Trained.Rate(r.Cases), r.Compiled.Exact)
	}
	return nil
}
