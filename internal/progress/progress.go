// Package progress shows how far a long job has come, on stderr: a bar
// with a rate and an ETA on a terminal (github.com/schollz/progressbar),
// plain periodic lines otherwise (a log, CI), nothing with Quiet. Work
// that ends within Delay shows nothing at all, so quick commands stay
// quiet; work that takes longer is never silent for more than Every.
// The environment variable DP2NN_PROGRESS_DELAY (a Go duration, "0s" to
// show progress at once) overrides the default Delay, for tests and logs.
//
//	bar := progress.New(os.Stderr, "verify", 1000, progress.Options{})
//	for i := range 1000 {
//		check(i)
//		bar.Add(1)
//	}
//	bar.Finish()
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Options tune a Bar.
type Options struct {
	Quiet bool // show nothing
	// Terminal forces the bar (true) or plain lines (false); nil asks
	// whether the writer is a terminal.
	Terminal *bool
	Delay    time.Duration // nothing is shown before; 0 means DP2NN_PROGRESS_DELAY, else 2 s
	Every    time.Duration // plain lines at most this often; 0 means 5 s
	now      func() time.Time
}

// Bar is the progress of one job of a known number of units. Its methods
// are safe for concurrent use and do nothing on a nil Bar.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	what     string
	total    int
	done     int
	opt      Options
	start    time.Time
	lastLine time.Time
	bar      *progressbar.ProgressBar // on a terminal, once shown
	finished bool                     // Finish was called
	terminal bool
	shown    bool
}

// New starts the progress of a job named what of total units, written to
// w.
func New(w io.Writer, what string, total int, opt Options) *Bar {
	if opt.Delay == 0 {
		opt.Delay = envDelay()
	}
	if opt.Every == 0 {
		opt.Every = 5 * time.Second
	}
	if opt.now == nil {
		opt.now = time.Now
	}
	b := &Bar{w: w, what: what, total: total, opt: opt, start: opt.now()}
	if opt.Terminal != nil {
		b.terminal = *opt.Terminal
	} else if f, ok := w.(*os.File); ok {
		b.terminal = term.IsTerminal(int(f.Fd()))
	}
	return b
}

// DelayEnv is the environment variable that sets the default Delay.
const DelayEnv = "DP2NN_PROGRESS_DELAY"

// envDelay is the default Delay: DP2NN_PROGRESS_DELAY when it is a
// duration >= 0 (0 shows progress at the first unit done), else 2 s.
func envDelay() time.Duration {
	d, err := time.ParseDuration(os.Getenv(DelayEnv))
	switch {
	case err != nil || d < 0:
		return 2 * time.Second
	case d == 0:
		return time.Nanosecond // "at once": New's zero means the default
	}
	return d
}

// Add records n more units done.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	b.show(false)
}

// Finish ends the job: a bar is completed, plain output gets a last line
// if anything was shown.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.finished = true
	if !b.shown || b.opt.Quiet {
		return
	}
	if b.bar != nil {
		_ = b.bar.Finish()
		fmt.Fprintln(b.w)
		return
	}
	b.line()
}

func (b *Bar) show(final bool) {
	if b.opt.Quiet {
		return
	}
	now := b.opt.now()
	if !b.shown && now.Sub(b.start) < b.opt.Delay {
		return
	}
	if b.terminal && b.total < 0 {
		if b.bar == nil {
			b.bar = progressbar.NewOptions(-1,
				progressbar.OptionSetWriter(b.w),
				progressbar.OptionSetDescription(b.what),
				progressbar.OptionSpinnerType(14),
				progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionClearOnFinish(),
			)
			b.shown = true
		}
		_ = b.bar.Add(1) // the spinner turns
		return
	}
	if b.terminal {
		if b.bar == nil {
			b.bar = progressbar.NewOptions(b.total,
				progressbar.OptionSetWriter(b.w),
				progressbar.OptionSetDescription(b.what),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
			b.shown = true
		}
		_ = b.bar.Set(b.done)
		return
	}
	if !b.shown || now.Sub(b.lastLine) >= b.opt.Every || final {
		b.shown = true
		b.line()
	}
}

// line prints "what: done/total (p%), elapsed, ETA", or for a step of
// unknown length (total < 0) "what: still running, elapsed".
func (b *Bar) line() {
	now := b.opt.now()
	b.lastLine = now
	elapsed := now.Sub(b.start)
	if b.total < 0 {
		state := "still running"
		if b.finished {
			state = "done"
		}
		fmt.Fprintf(b.w, "%s: %s, %s elapsed\n", b.what, state, elapsed.Round(100*time.Millisecond))
		return
	}
	pct := 0.0
	if b.total > 0 {
		pct = 100 * float64(b.done) / float64(b.total)
	}
	eta := "ETA unknown"
	if b.done >= b.total {
		eta = "done"
	} else if b.done > 0 {
		left := time.Duration(float64(elapsed) * float64(b.total-b.done) / float64(b.done))
		eta = "ETA " + left.Round(time.Second).String()
	}
	fmt.Fprintf(b.w, "%s: %d/%d (%.0f%%), %s elapsed, %s\n", b.what, b.done, b.total, pct, elapsed.Round(100*time.Millisecond), eta)
}

// Elapsed is the progress of one step whose length is unknown in
// advance (building a large network): after Delay it says on w that the
// step is still running, a spinner on a terminal, a plain line every
// Every otherwise, and a last line with the time taken when it ends.
// Stop ends it; a step that ends within Delay shows nothing.
type Elapsed struct {
	bar  *Bar
	done chan struct{}
	wg   sync.WaitGroup
}

// NewElapsed starts the progress of a step named what.
func NewElapsed(w io.Writer, what string, opt Options) *Elapsed {
	e := &Elapsed{bar: New(w, what, -1, opt), done: make(chan struct{})}
	if opt.Quiet {
		return e
	}
	e.wg.Go(func() {
		tick := time.NewTicker(min(e.bar.opt.Every, time.Second))
		defer tick.Stop()
		for {
			select {
			case <-e.done:
				return
			case <-tick.C:
				e.bar.Add(0)
			}
		}
	})
	return e
}

// Stop ends the step.
func (e *Elapsed) Stop() {
	if e == nil {
		return
	}
	close(e.done)
	e.wg.Wait()
	b := e.bar
	b.mu.Lock()
	// A step that outlasted the delay between two ticks still says how
	// long it took.
	if !b.opt.Quiet && !b.shown && b.opt.now().Sub(b.start) >= b.opt.Delay {
		b.shown = true
	}
	b.mu.Unlock()
	b.Finish()
}
