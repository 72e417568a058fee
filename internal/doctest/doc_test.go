package doctest

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/internal/repo"
)

var long = flag.Bool("long", false, "also run the blocks tagged \"sh long\" (benchmarks, long studies)")

// command is one line of a runnable block.
type command struct {
	file string
	line int
	text string // the command as shown, comment removed
	exit int    // the exit code it must end with
	long bool
}

var exitComment = regexp.MustCompile(`#\s*exit\s+(\d+)\s*$`)

// commands returns the runnable lines of a markdown file, in order.
func commands(path, name string) ([]command, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []command
	sc := bufio.NewScanner(f)
	in, runnable, isLong := false, false, false
	for n := 1; sc.Scan(); n++ {
		ln := sc.Text()
		trimmed := strings.TrimSpace(ln)
		if strings.HasPrefix(trimmed, "```") {
			if in {
				in = false
				continue
			}
			in = true
			info := strings.Fields(strings.TrimPrefix(trimmed, "```"))
			runnable = len(info) > 0 && info[0] == "sh"
			isLong = len(info) > 1 && info[1] == "long"
			continue
		}
		if !in || !runnable || trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		c := command{file: name, line: n, long: isLong}
		if m := exitComment.FindStringSubmatch(trimmed); m != nil {
			c.exit, _ = strconv.Atoi(m[1])
		}
		if k := strings.Index(trimmed, " #"); k >= 0 {
			trimmed = strings.TrimSpace(trimmed[:k])
		}
		c.text = trimmed
		out = append(out, c)
	}
	return out, sc.Err()
}

// mismatches finds "N mismatches" (or "mismatches": N in JSON) in output.
var mismatches = regexp.MustCompile(`(\d+) mismatch(?:es)?\b|"[mM]ismatches":\s*(\d+)`)

func TestDocumentedCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dp2nn and runs every documented command")
	}
	root, err := repo.RepoRoot()
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	files = append([]string{filepath.Join(root, "README.md")}, files...)

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "dp2nn"), "./cmd/dp2nn")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	total := 0
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		cmds, err := commands(path, filepath.ToSlash(rel))
		require.NoError(t, err)
		if len(cmds) == 0 {
			continue
		}
		// Each file's blocks run in order in one scratch directory, so
		// that a model compiled by one line is verified by the next.
		dir := t.TempDir()
		for _, sub := range []string{"examples", "testdata", "scripts", "docs", "cmd"} {
			require.NoError(t, os.Symlink(filepath.Join(root, sub), filepath.Join(dir, sub)))
		}
		var exports []string // a file's "export VAR=..." lines hold for its later lines
		for _, c := range cmds {
			if c.long && !*long {
				continue
			}
			total++
			t.Run(fmt.Sprintf("%s:%d", c.file, c.line), func(t *testing.T) {
				run(t, root, dir, bin, exports, c)
			})
			if strings.HasPrefix(c.text, "export ") {
				exports = append(exports, c.text)
			}
		}
	}
	require.NotZero(t, total, "no command found in README.md and docs/*.md: a test that runs nothing has failed")
}

func run(t *testing.T, root, dir, bin string, exports []string, c command) {
	text := c.text
	if rest, ok := strings.CutPrefix(text, "go run ./cmd/dp2nn"); ok {
		text = "dp2nn" + rest
	}
	if strings.HasPrefix(text, "scripts/test.sh") {
		t.Skip("scripts/test.sh is the command that runs this test")
	}
	wd := dir
	if strings.HasPrefix(text, "go ") {
		wd = root // go test, go run of another package: inside the module
	}
	cmd := exec.Command("bash", "-c", strings.Join(append(exports, text), "\n"))
	cmd.Dir = wd
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	t.Logf("%s (%.1fs)", c.text, time.Since(start).Seconds())
	require.Equal(t, c.exit, code, "%s:%d: %s\nstdout:\n%s\nstderr:\n%s", c.file, c.line, c.text, tail(stdout.String()), tail(stderr.String()))
	for _, m := range mismatches.FindAllStringSubmatch(stdout.String(), -1) {
		n := m[1] + m[2]
		require.Equal(t, "0", n, "%s:%d: %s reports mismatches:\n%s", c.file, c.line, c.text, tail(stdout.String()))
	}
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}
