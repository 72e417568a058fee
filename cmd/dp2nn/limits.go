package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/cliflag"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/verify"
)

// limits are -max-neurons and -max-memory: every command asks compile's
// cost model (compile.Estimate) before it builds a network, and refuses
// with exit 2, naming the figure, the limit and the flag, before it
// allocates past them.
type limits struct {
	neurons *int64
	memory  *cliflag.Size
	// stderr, when set, shows a count or a build that takes more than a
	// few seconds (internal/progress.Elapsed); quiet (a command's -quiet)
	// silences it.
	stderr io.Writer
	quiet  *bool
}

func addLimits(fs *flag.FlagSet) *limits {
	n := &cliflag.Positive{N: compile.DefaultMaxNeurons}
	l := &limits{neurons: &n.N, memory: &cliflag.Size{N: compile.DefaultMaxMemory, Text: compile.BytesText}}
	fs.Var(n, "max-neurons", "refuse a network with more than `N` hidden neurons, N >= 1 (counted exactly before building, by compile's cost model)")
	fs.Var(l.memory, "max-memory", "refuse a job whose build, evaluation, export or ground truth would need more memory (bytes, or with KiB, MiB, GiB)")
	return l
}

// compile returns the limits for compile.Estimate. It also makes
// -max-memory the Go runtime's soft memory limit: the cost model predicts
// the live heap, and the collector, which by default lets the heap grow
// to twice what is live before it runs, then collects sooner instead
// of letting the process pass the limit.
func (l *limits) compile() compile.Limits {
	debug.SetMemoryLimit(l.memory.N)
	return compile.Limits{Neurons: *l.neurons, Memory: l.memory.N}
}

// check predicts the job's cost and refuses it when it passes a limit.
// Any other error of the prediction (a form or a program the lowering
// does not take) is left to the step that meets it, which reports it in
// the command's own words; nothing large has been allocated then.
func (l *limits) check(cmd string, m *dsl.Model, opt compile.Options, job compile.Job) (*compile.Cost, error) {
	if l.stderr != nil {
		e := progress.NewElapsed(l.stderr, cmd+": counting the network before building it (compile's cost model)", progress.Options{Quiet: l.silent()})
		defer e.Stop()
	}
	c, err := compile.Estimate(m, opt, job, l.compile())
	var tl *compile.TooLargeError
	if errors.As(err, &tl) {
		return c, userErrorf("%s: %s with %s: %v", cmd, m.File.Pos().File, verify.ParamString(m), err)
	}
	return c, nil
}

// lower checks the job against the limits, then builds the network.
func (l *limits) lower(cmd string, m *dsl.Model, opt compile.Options, job compile.Job) (*compile.Network, error) {
	c, err := l.check(cmd, m, opt, job)
	if err != nil {
		return nil, err
	}
	if l.stderr != nil && c != nil {
		e := progress.NewElapsed(l.stderr, fmt.Sprintf("%s: building the network (%d hidden neurons)", cmd, c.Neurons), progress.Options{Quiet: l.silent()})
		defer e.Stop()
	}
	net, err := compile.Lower(m, opt)
	if err != nil {
		return nil, &userError{err.Error()}
	}
	return net, nil
}

// checkSteps is check as a study's Check of the networks it builds:
// float64, in batches of 256 instances of the given steps.
func (l *limits) checkSteps(cmd string) func(m *dsl.Model, opt compile.Options, steps int) error {
	return func(m *dsl.Model, opt compile.Options, steps int) error {
		_, err := l.check(cmd, m, opt, compile.Job{Steps: steps, Batch: 256, DType: "float64"})
		return err
	}
}

// tooLarge is l.check as verify's reason to skip an instance.
func (l *limits) tooLarge(m *dsl.Model, opt compile.Options, job compile.Job) string {
	if _, err := compile.Estimate(m, opt, job, l.compile()); err != nil {
		var tl *compile.TooLargeError
		if errors.As(err, &tl) {
			return tl.Error()
		}
	}
	return ""
}

func (l *limits) silent() bool { return l.quiet != nil && *l.quiet }
