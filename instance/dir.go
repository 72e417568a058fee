package instance

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
)

// Files lists the instance files of dir (*.txt and *.json, not
// optima.txt, not hidden) in name order; none is not an error here (a
// check that checks nothing is, and says so).
func Files(dir string) ([]string, error) {
	return listFiles(dir, []string{".txt", ".json"})
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
