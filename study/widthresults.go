package study

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// WidthResults is the results file of a width study run (one JSON line
// per trained net), open for appending.
type WidthResults struct {
	f *os.File
}

// OpenWidthResults reads the points of an earlier run from path (none if
// it does not exist), refuses points made with settings other than key,
// and opens the file for appending. A last line cut short (a run killed
// while writing it) is dropped, saying so on warn.
func OpenWidthResults(path, key string, warn io.Writer) (*WidthResults, []WidthPoint, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = nil
	case err != nil:
		return nil, nil, err
	}
	keep := len(data)
	if keep > 0 && data[keep-1] != '\n' {
		keep = bytes.LastIndexByte(data, '\n') + 1
		fmt.Fprintf(warn, "study width: %s: dropping its unfinished last line\n", path)
	}
	points, err := ReadWidthPoints(bytes.NewReader(data[:keep]), path)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range points {
		if p.Key != key {
			return nil, nil, fmt.Errorf("%s holds nets trained with other settings (%s), not %s: give another file or the same -seed and training flags", path, p.Key, key)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if err := f.Truncate(int64(keep)); err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := f.Seek(int64(keep), io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	return &WidthResults{f: f}, points, nil
}

// Append writes one point as a line and syncs it, so a killed run keeps
// every net it finished.
func (r *WidthResults) Append(p WidthPoint) error {
	line, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := r.f.Write(append(line, '\n')); err != nil {
		return err
	}
	return r.f.Sync()
}

// Close closes the file.
func (r *WidthResults) Close() error { return r.f.Close() }
