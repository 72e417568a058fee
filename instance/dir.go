package instance

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Files lists the instance files of dir (*.txt and *.json, not
// optima.txt, not hidden) in name order; an error when there are none.
func Files(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || name == "optima.txt" || strings.HasPrefix(name, ".") {
			continue
		}
		if ext := filepath.Ext(name); ext == ".txt" || ext == ".json" {
			files = append(files, filepath.Join(dir, name))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.txt or *.json instance files in %s", dir)
	}
	sort.Strings(files)
	return files, nil
}

// OptimaIn reads optima.txt of dir (ReadOptima); an empty map when dir
// has none.
func OptimaIn(dir string) (map[string]int64, error) {
	optima, err := ReadOptima(filepath.Join(dir, "optima.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]int64{}, nil
	}
	return optima, err
}

// NameOf is the name of an instance file: its base name without the
// extension, as optima.txt names it.
func NameOf(file string) string {
	return strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
}
