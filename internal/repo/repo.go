package repo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
)

// RepoRoot returns the root of the dp2nn module: the first directory at or
// above the working directory holding a go.mod of module
// github.com/dp2nn/dp2nn. Tests run in their package's directory, so
// every package's tests find the examples this way.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/dp2nn/dp2nn\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repo: no go.mod of github.com/dp2nn/dp2nn at or above the working directory")
		}
		dir = parent
	}
}

// RepoPath returns the absolute path of path, given relative to the
// repository root.
func RepoPath(path string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, filepath.FromSlash(path)), nil
}

// ReadProgram reads and parses a .dp program given by its path relative to
// the repository root; positions name the file by that relative path.
func ReadProgram(path string) (*dsl.File, error) {
	abs, err := RepoPath(path)
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	return dsl.Parse(path, src)
}

// Program reads, parses and checks the program at path (relative to the
// repository root) with the given -set params.
func Program(path string, params map[string]int64) (*dsl.Model, error) {
	f, err := ReadProgram(path)
	if err != nil {
		return nil, err
	}
	return dsl.Check(f, params)
}

// Source parses and checks a program given as text, named name in
// messages.
func Source(name, src string, params map[string]int64) (*dsl.Model, error) {
	f, err := dsl.Parse(name, []byte(src))
	if err != nil {
		return nil, err
	}
	return dsl.Check(f, params)
}
