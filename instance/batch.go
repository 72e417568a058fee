package instance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dp2nn/dp2nn/diag"
)

// Entry is one instance of a batch: a file to read, or a line of a
// JSON-lines file, read already.
type Entry struct {
	Name  string    // the instance's name: its file name without the extension, its "name" field, or FILE:LINE
	Where string    // where it is: the file, or FILE:LINE
	Path  string    // the file to read; "" for a JSON line
	Inst  *Instance // a JSON line's instance, nil when it is not one
	Err   error     // why a JSON line is not an instance
}

// batchExts are the instance files of a batch directory: every format
// ReadInstanceFile and ReadDataFile read.
var batchExts = []string{".txt", ".json", ".atsp", ".tsp"}

// Batch lists the instances of path: every instance file of a directory
// (*.txt, *.json, *.atsp, *.tsp; not optima.txt, not hidden), in name
// order, or every non-blank line of a JSON-lines file (*.jsonl or
// *.ndjson), each line one JSON instance as ReadInstance reads it. A line
// that is not an instance is an Entry with Err, positioned FILE:LINE or
// FILE:LINE:COL, so that the others still run. The error is for path
// itself: missing, unreadable, neither, or without any instance.
func Batch(path string) ([]Entry, error) { return BatchWithin(path, 0) }

// BatchWithin is Batch refusing a JSON-lines file whose instances would
// take more than maxMemory bytes to read (CheckReadCost; <= 0: no
// limit). The files of a directory are read one by one later
// (ReadInstanceFileWithin).
func BatchWithin(path string, maxMemory int64) ([]Entry, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if ext := strings.ToLower(filepath.Ext(path)); ext != ".jsonl" && ext != ".ndjson" {
			return nil, fmt.Errorf("%s: want a directory of instance files or a JSON-lines file (*.jsonl, one JSON instance per line)", path)
		}
		return readLines(path, maxMemory)
	}
	files, err := listFiles(path, batchExts)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no instance files (*.txt, *.json, *.atsp, *.tsp) in %s", path)
	}
	out := make([]Entry, len(files))
	for i, f := range files {
		out[i] = Entry{Name: NameOf(f), Where: f, Path: f}
	}
	return out, nil
}

// listFiles lists the files of dir with one of exts, in name order,
// without optima.txt and hidden files.
func listFiles(dir string, exts []string) ([]string, error) {
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
		for _, ext := range exts {
			if strings.EqualFold(filepath.Ext(name), ext) {
				files = append(files, filepath.Join(dir, name))
				break
			}
		}
	}
	sort.Strings(files)
	return files, nil
}

// readLines reads a JSON-lines file: one Entry per non-blank line.
func readLines(path string, maxMemory int64) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := CheckReadCost(path, data, maxMemory); err != nil {
		return nil, err
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for no := 1; sc.Scan(); no++ {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, no)
		e := Entry{Name: fmt.Sprintf("%s:%d", filepath.Base(path), no), Where: where}
		var named struct{ Name string }
		if json.Unmarshal(line, &named) == nil && named.Name != "" {
			e.Name = named.Name
		}
		e.Inst, e.Err = readLine(path, no, line)
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no instance: every line is blank", path)
	}
	return out, nil
}

// readLine reads line number no of the JSON-lines file path as an
// instance whose messages name FILE:LINE.
func readLine(path string, no int, line []byte) (*Instance, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("{")) {
		return nil, diag.ErrorList{{Pos: diag.Pos{File: path, Line: no}, Msg: "want a JSON instance object {...} on each line"}}
	}
	inst, err := readJSON(path, line)
	var list diag.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			if e.Pos.File == path {
				e.Pos.Line = no + max(e.Pos.Line, 1) - 1
			}
		}
		return nil, list
	}
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %v", path, no, err)
	}
	inst.Source = fmt.Sprintf("%s:%d", path, no)
	if inst.Name == baseName(path) {
		inst.Name = fmt.Sprintf("%s:%d", filepath.Base(path), no)
	}
	return inst, nil
}
