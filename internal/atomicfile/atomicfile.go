// Package atomicfile writes output files whole or not at all: the data go
// to a temporary file beside the target, which is synced and renamed over
// it, so the target keeps its old content or gets all of the new; no
// temporary file is left behind, and errors name the target, never the
// temporary file.
//
//	if err := atomicfile.Write("plot.png", png); err != nil {
//		return err // "cannot write plot.png: no such file or directory"
//	}
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path atomically (mode 0644).
func Write(path string, data []byte) (err error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("cannot write %s: it is a directory", path)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return writeError(path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = writeError(path, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable; best effort
		d.Sync()
		d.Close()
	}
	return nil
}

// CheckWritable fails when path could not be written by Write (its
// directory is missing or takes no new file, or path is a directory),
// so that a long job can refuse its output before it starts.
func CheckWritable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("cannot write %s: it is a directory", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return writeError(path, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// writeError says that path could not be written, with the cause but
// without the temporary file's name that the os errors carry.
func writeError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("cannot write %s: %w", path, err)
}
