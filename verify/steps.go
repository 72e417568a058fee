package verify

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/engine"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
)

// This file checks programs with per-step inputs (one step per item) on
// random instances and on instance files, in the Go evaluator
// (AgainstDP) or as a model file in a runtime (Compare).

// Random checks net on count random instances from seed, each in every
// dtype: the generator of the program's row of problems.Table, or uniform
// inputs over nsteps steps (problems.RandomFor). It adds one row to rep.
func Random(rep *Report, net *compile.Network, dtypes []engine.DType, count int, seed uint64, nsteps int) error {
	m := net.Model
	gen, genName := problems.RandomFor(m, nsteps)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	row := Row{Source: fmt.Sprintf("random %s, seed %d", genName, seed), Params: ParamString(m), MaxErr: map[string]Number{}, Tolerance: map[string]Number{}}
	for i := 0; i < count; i++ {
		steps := gen(rng)
		if err := CheckFloat32Exact(net.Rounding, dtypes[len(dtypes)-1], steps); err != nil {
			return err
		}
		c, err := AgainstDP(net, fmt.Sprintf("random #%d", i+1), steps, dtypes, nil)
		if err != nil {
			return fmt.Errorf("random instance %d: %v", i+1, err)
		}
		rep.Add(&row, c)
	}
	rep.Rows = append(rep.Rows, row)
	return nil
}

// FileSet says which instance files Instances checks, and how.
type FileSet struct {
	Files  []string         // the instance files (instance.Files)
	Optima map[string]int64 // known answers, by instance name (instance.OptimaIn)
	// Set are the params given; the others are chosen per instance
	// (instance.Params).
	Set     map[string]int64
	Request compile.Request // the lowering; P from ε per instance
	DTypes  []engine.DType
	// MaxMemory bounds reading each file (instance.ReadInstanceFileWithin;
	// 0: no bound).
	MaxMemory int64
	// TooLarge says why the network of a model with the given options is
	// not to be built (the row is skipped), "" when it may be, job being
	// what checking the instance costs (one run of its steps in the first
	// dtype, the exact DP, the known optimum when Optima has it); nil
	// builds every network.
	TooLarge func(m *dsl.Model, opt compile.Options, job compile.Job) string
}

// Instances checks the program f on every instance file, each with its
// own params and network, against the exact DP and the known answer. It
// adds one row per file to rep; a file the program cannot take (or whose
// network is too large, or whose known answer the network cannot hold) is
// a skipped row.
func Instances(rep *Report, f *dsl.File, in FileSet) error {
	for _, file := range in.Files {
		name := instance.NameOf(file)
		row := Row{Source: name, MaxErr: map[string]Number{}, Tolerance: map[string]Number{}}
		inst, err := instance.ReadInstanceFileWithin(file, in.MaxMemory)
		if err != nil {
			return err
		}
		params, _, err := instance.Params(f, inst, in.Set)
		if err != nil {
			return err
		}
		m, err := dsl.CheckWith(f, params, in.Request.Limits())
		if err != nil {
			// Params of this instance past what the program takes (a
			// profit sum past 2^26 for an exact network): a skipped row.
			names := slices.Sorted(maps.Keys(params))
			for i, k := range names {
				names[i] = fmt.Sprintf("%s=%d", k, params[k])
			}
			row.Params = strings.Join(names, " ")
			rep.Skip(row, err.Error())
			continue
		}
		row.Params = ParamString(m)
		steps, err := instance.Bind(m, inst)
		if err != nil {
			rep.Skip(row, err.Error())
			continue
		}
		opt, err := in.Request.For(len(steps))
		if err != nil {
			return err
		}
		if in.TooLarge != nil {
			_, known := in.Optima[name]
			job := compile.Job{Steps: len(steps), Batch: 1, DType: string(in.DTypes[0]), Truth: true, KnownOptimum: known}
			if why := in.TooLarge(m, opt, job); why != "" {
				rep.Skip(row, why)
				continue
			}
		}
		net, err := compile.Lower(m, opt)
		if err != nil {
			return err
		}
		if err := CheckFloat32Exact(net.Rounding, in.DTypes[len(in.DTypes)-1], steps); err != nil {
			return err
		}
		var known *float64
		if v, ok := in.Optima[name]; ok {
			k := float64(v)
			known = &k
		}
		if why := notHeld(net, known); why != "" {
			rep.Skip(row, why)
			continue
		}
		c, err := AgainstDP(net, name, steps, in.DTypes, known)
		if err != nil {
			return fmt.Errorf("%s: %v", file, err)
		}
		row.Answer, row.Known = c.Exact, c.Known
		rep.Add(&row, c)
		rep.Rows = append(rep.Rows, row)
	}
	return nil
}

// Model checks a model file of a program with per-step inputs, prepared
// in a runtime (run; net is the network it was exported from, see
// engine.Recompile): count random instances from seed (an unrolled model
// takes uniform inputs over its own steps), then every instance file
// (optima: known answers by name), every state the model shows against
// the ground truth (Compare). It adds one row per source to rep.
func Model(rep *Report, run *engine.Runner, net *compile.Network, count int, seed uint64, nsteps int, files []string, optima map[string]int64) error {
	m, model := net.Model, run.Model
	if count > 0 {
		gen, genName := problems.RandomFor(m, nsteps)
		if model.Form == export.Unrolled {
			steps := model.Steps
			gen, genName = func(rng *rand.Rand) [][]float64 { return instance.Uniform(rng, m, steps) }, fmt.Sprintf("uniform, %d steps", steps)
		}
		rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
		row := Row{Source: fmt.Sprintf("random %s, seed %d", genName, seed), Params: ParamString(m), MaxErr: map[string]Number{}, Tolerance: map[string]Number{}}
		for done := 0; done < count; {
			// A batch of instances of one length runs as the rows of the
			// model's batch dimension.
			batch := [][][]float64{gen(rng)}
			for len(batch) < modelBatch && done+len(batch) < count {
				next := gen(rng)
				if len(next) != len(batch[0]) {
					if err := compareBatch(rep, &row, run, net, done, batch); err != nil {
						return err
					}
					done += len(batch)
					batch = nil
				}
				batch = append(batch, next)
			}
			if err := compareBatch(rep, &row, run, net, done, batch); err != nil {
				return err
			}
			done += len(batch)
		}
		rep.Rows = append(rep.Rows, row)
	}
	for _, file := range files {
		name := instance.NameOf(file)
		row := Row{Source: name, Params: ParamString(m), MaxErr: map[string]Number{}, Tolerance: map[string]Number{}}
		inst, err := instance.ReadInstanceFile(file)
		if err != nil {
			return err
		}
		var known *float64
		if v, ok := optima[name]; ok {
			k := float64(v)
			known = &k
		}
		steps, err := instance.Bind(m, inst)
		if err == nil && model.Form == export.Unrolled && len(steps) != model.Steps {
			err = fmt.Errorf("%d items, the unrolled model takes %d", len(steps), model.Steps)
		}
		if why := notHeld(net, known); err == nil && why != "" {
			err = fmt.Errorf("%s", why)
		}
		if err != nil {
			rep.Skip(row, err.Error())
			continue
		}
		c, err := observeAndCompare(run, net, name, steps, known)
		if err != nil {
			return fmt.Errorf("%s: %v", file, err)
		}
		row.Answer, row.Known = c.Exact, c.Known
		rep.Add(&row, c)
		rep.Rows = append(rep.Rows, row)
	}
	return nil
}

// modelBatch is how many random instances of one length a model runs at
// once.
const modelBatch = 64

// compareBatch observes the random instances first+1.. of batch in one
// run of the model and compares each with its ground truth.
func compareBatch(rep *Report, row *Row, run *engine.Runner, net *compile.Network, first int, batch [][][]float64) error {
	obs, err := run.ObserveBatch(batch)
	if err != nil {
		return fmt.Errorf("random #%d..#%d: %v", first+1, first+len(batch), err)
	}
	for b, steps := range batch {
		c, err := Compare(net, fmt.Sprintf("random #%d", first+b+1), steps, []engine.Observed{obs[b]}, nil)
		if err != nil {
			return err
		}
		rep.Add(row, c)
	}
	return nil
}

func observeAndCompare(run *engine.Runner, net *compile.Network, name string, steps [][]float64, known *float64) (*Case, error) {
	obs, err := run.Observe(steps)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return Compare(net, name, steps, []engine.Observed{obs}, known)
}

// notHeld says why an exact network cannot show a known answer: an index
// answer above the index range the network holds (with pmax = 20, an
// optimum of 35 decodes as 20).
func notHeld(net *compile.Network, known *float64) string {
	a := net.Model.Answer
	if net.Rounding != nil || a == nil || known == nil || a.Kind != dsl.AnswerMaxIndex || *known <= float64(a.Hi) {
		return ""
	}
	return fmt.Sprintf("known answer %g is above %d, the largest index of %s the network holds", *known, a.Hi, a.State.Name)
}

// CheckFloat32Exact refuses the fptas rounding r (a Network's Rounding,
// or compile.RoundingOf before building it) in float32 when its integer
// index arithmetic (values up to about 2·P·(P + Σu)) would not be exact on
// the instance; nil r is no rounding.
func CheckFloat32Exact(r *compile.Rounding, dt engine.DType, steps [][]float64) error {
	if r == nil || dt != engine.Float32 {
		return nil
	}
	total := 0.0
	for _, s := range steps {
		total += s[r.Offset.Index]
	}
	if bound := 2 * float64(r.P) * (float64(r.P) + total); bound >= 1<<24 {
		return fmt.Errorf("fptas in float32: index arithmetic reaches %.3g, above 2^24 where float32 stops being exact (P = %d, sum of %s = %g); use -dtype float64 or a smaller P", bound, r.P, r.Offset.Name, total)
	}
	return nil
}

// RandomGenerator names the generator of m's row of problems.Table that
// Random and Model draw random instances of m from, whose length is its
// own; "" when they draw uniform inputs over the number of steps asked for.
func RandomGenerator(m *dsl.Model) string {
	if _, name := problems.RandomFor(m, 1); name != "uniform" {
		return name
	}
	return ""
}

// InstanceDir lists the instance files of dir (instance.Files) and the
// known answers of its optima.txt (instance.OptimaIn), for -instances
// DIR. A directory without instance files would be a check of nothing:
// a *MismatchError.
func InstanceDir(dir string) ([]string, map[string]int64, error) {
	files, err := instance.Files(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("verify: -instances: %v", err)
	}
	if len(files) == 0 {
		return nil, nil, mismatchf("verify: nothing was checked: %s has no instance files (*.txt, *.json)", dir)
	}
	optima, err := instance.OptimaIn(dir)
	if err != nil {
		return nil, nil, err
	}
	return files, optima, nil
}
