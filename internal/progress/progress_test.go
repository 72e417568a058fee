package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func plain(c *clock, quiet bool) Options {
	f := false
	return Options{Terminal: &f, Quiet: quiet, Delay: 2 * time.Second, Every: 5 * time.Second, now: c.now}
}

func TestPlainLines(t *testing.T) {
	c := &clock{time.Unix(0, 0)}
	var buf bytes.Buffer
	b := New(&buf, "verify", 100, plain(c, false))
	c.t = c.t.Add(time.Second)
	b.Add(10)
	assert.Empty(t, buf.String(), "nothing before the delay")
	c.t = c.t.Add(2 * time.Second)
	b.Add(10)
	assert.Equal(t, "verify: 20/100 (20%), 3s elapsed, ETA 12s\n", buf.String())
	c.t = c.t.Add(time.Second)
	b.Add(10)
	assert.Equal(t, 1, strings.Count(buf.String(), "\n"), "at most one line every 5 s")
	c.t = c.t.Add(5 * time.Second)
	b.Add(10)
	assert.Equal(t, 2, strings.Count(buf.String(), "\n"))
	b.Add(60)
	b.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	assert.Equal(t, "verify: 100/100 (100%), 9s elapsed, done", lines[len(lines)-1])
}

func TestQuickJobsAndQuietShowNothing(t *testing.T) {
	c := &clock{time.Unix(0, 0)}
	var buf bytes.Buffer
	b := New(&buf, "solve", 3, plain(c, false))
	b.Add(3)
	b.Finish()
	assert.Empty(t, buf.String())

	q := New(&buf, "study", 3, plain(c, true))
	c.t = c.t.Add(time.Minute)
	q.Add(1)
	q.Finish()
	assert.Empty(t, buf.String())

	var nilBar *Bar
	nilBar.Add(1)
	nilBar.Finish()
}

func TestTerminalBar(t *testing.T) {
	c := &clock{time.Unix(0, 0)}
	var buf bytes.Buffer
	tr := true
	b := New(&buf, "study", 10, Options{Terminal: &tr, now: c.now})
	c.t = c.t.Add(3 * time.Second)
	b.Add(5)
	b.Finish()
	assert.Contains(t, buf.String(), "study")
}

// DP2NN_PROGRESS_DELAY sets the default delay: "0s" shows the first unit.
func TestDelayFromEnvironment(t *testing.T) {
	for _, tt := range []struct {
		env  string
		want time.Duration
	}{
		{"", 2 * time.Second},
		{"0", time.Nanosecond},
		{"0s", time.Nanosecond},
		{"500ms", 500 * time.Millisecond},
		{"-1s", 2 * time.Second},
		{"soon", 2 * time.Second},
	} {
		t.Setenv(DelayEnv, tt.env)
		assert.Equal(t, tt.want, envDelay(), "%q", tt.env)
	}
	t.Setenv(DelayEnv, "0s")
	var buf bytes.Buffer
	f := false
	b := New(&buf, "verify", 4, Options{Terminal: &f})
	b.Add(1)
	b.Add(3)
	b.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	assert.Len(t, lines, 2, "the first unit and the end: %q", buf.String())
	assert.Contains(t, lines[0], "verify: 1/4 (25%)")
	assert.Contains(t, lines[1], "verify: 4/4 (100%)")
}

// A step of unknown length says it is still running after the delay and
// how long it took at the end; a quick one says nothing.
func TestElapsed(t *testing.T) {
	var buf syncBuffer
	f := false
	e := NewElapsed(&buf, "compile: building the network", Options{Terminal: &f, Delay: time.Millisecond, Every: 5 * time.Millisecond})
	time.Sleep(30 * time.Millisecond)
	e.Stop()
	out := buf.String()
	assert.Contains(t, out, "compile: building the network: still running, ")
	assert.Contains(t, out, "compile: building the network: done, ")

	var quick syncBuffer
	NewElapsed(&quick, "quick", Options{Terminal: &f, Delay: time.Hour}).Stop()
	assert.Empty(t, quick.String())
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
