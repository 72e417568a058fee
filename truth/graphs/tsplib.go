package graphs

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// TSPLIB is a TSP or ATSP instance read from a TSPLIB file with explicit
// edge weights (Reinelt, "TSPLIB 95"). C is the full n×n matrix: the
// triangular formats are mirrored, and formats without a diagonal get 0
// there.
type TSPLIB struct {
	Name, Type, Comment string
	Dimension           int
	Format              string // the EDGE_WEIGHT_FORMAT
	C                   [][]float64
}

// MaxTSPLIBDimension bounds DIMENSION so that the number of weights fits
// an int on every platform.
const MaxTSPLIBDimension = 1 << 15

// weightCount is the number of weights each supported format lists.
var weightCount = map[string]func(n int) int{
	"FULL_MATRIX":    func(n int) int { return n * n },
	"UPPER_ROW":      func(n int) int { return n * (n - 1) / 2 },
	"LOWER_ROW":      func(n int) int { return n * (n - 1) / 2 },
	"UPPER_DIAG_ROW": func(n int) int { return n * (n + 1) / 2 },
	"LOWER_DIAG_ROW": func(n int) int { return n * (n + 1) / 2 },
}

// ReadTSPLIBFile reads a TSPLIB file (see ReadTSPLIB).
func ReadTSPLIBFile(path string) (*TSPLIB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTSPLIB(path, f)
}

// ReadTSPLIB reads a TSPLIB instance of TYPE TSP or ATSP with
// EDGE_WEIGHT_TYPE EXPLICIT in one of the formats FULL_MATRIX, UPPER_ROW,
// LOWER_ROW, UPPER_DIAG_ROW or LOWER_DIAG_ROW; name is used in errors,
// which read "name:line: message". Keywords may be written "KEY: value" or
// "KEY : value"; weights may wrap lines freely; an EOF line is optional.
// Weights must be finite numbers.
func ReadTSPLIB(name string, r io.Reader) (*TSPLIB, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	t := &TSPLIB{}
	line := 0
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	weightType := ""
	var weights []float64
	want := -1 // weights still to read; −1 before EDGE_WEIGHT_SECTION
	done := false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "EOF" {
			done = true
			break
		}
		if want > 0 {
			for _, field := range strings.Fields(text) {
				if want == 0 {
					return nil, fail("more weights than the %d of a %d-city %s", len(weights), t.Dimension, t.Format)
				}
				w, err := strconv.ParseFloat(field, 64)
				if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
					return nil, fail("weight %d: %q is not a finite number", len(weights)+1, field)
				}
				weights = append(weights, w)
				want--
			}
			continue
		}
		if text == "" {
			continue
		}
		if want == 0 {
			return nil, fail("unexpected %q after the edge weights", clip(text))
		}
		key, value, _ := strings.Cut(text, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case "NAME":
			t.Name = value
		case "COMMENT":
			t.Comment = strings.TrimSpace(t.Comment + " " + value)
		case "TYPE":
			if value != "TSP" && value != "ATSP" {
				return nil, fail("TYPE %q is not supported (TSP or ATSP)", clip(value))
			}
			t.Type = value
		case "DIMENSION":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > MaxTSPLIBDimension {
				return nil, fail("DIMENSION %q is not an integer in 1..%d", clip(value), MaxTSPLIBDimension)
			}
			t.Dimension = n
		case "EDGE_WEIGHT_TYPE":
			if value != "EXPLICIT" {
				return nil, fail("EDGE_WEIGHT_TYPE %q is not supported (only EXPLICIT)", clip(value))
			}
			weightType = value
		case "EDGE_WEIGHT_FORMAT":
			if weightCount[value] == nil {
				return nil, fail("EDGE_WEIGHT_FORMAT %q is not supported (FULL_MATRIX, UPPER_ROW, LOWER_ROW, UPPER_DIAG_ROW, LOWER_DIAG_ROW)", clip(value))
			}
			t.Format = value
		case "DISPLAY_DATA_TYPE":
			// How to draw the instance: irrelevant here.
		case "EDGE_WEIGHT_SECTION":
			switch {
			case t.Type == "":
				return nil, fail("EDGE_WEIGHT_SECTION before TYPE")
			case t.Dimension == 0:
				return nil, fail("EDGE_WEIGHT_SECTION before DIMENSION")
			case weightType == "":
				return nil, fail("EDGE_WEIGHT_SECTION before EDGE_WEIGHT_TYPE")
			case t.Format == "":
				return nil, fail("EDGE_WEIGHT_SECTION before EDGE_WEIGHT_FORMAT")
			}
			want = weightCount[t.Format](t.Dimension)
			if value != "" {
				return nil, fail("EDGE_WEIGHT_SECTION takes no value, got %q", clip(value))
			}
		default:
			return nil, fail("unknown keyword %q", clip(key))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	switch {
	case want < 0:
		return nil, fail("no EDGE_WEIGHT_SECTION")
	case want > 0 && done:
		return nil, fail("EOF after %d of the %d weights", len(weights), len(weights)+want)
	case want > 0:
		return nil, fail("file ends after %d of the %d weights", len(weights), len(weights)+want)
	}
	t.C = fillMatrix(t.Format, t.Dimension, weights)
	return t, nil
}

// fillMatrix lays the weights of a format out as the full matrix.
func fillMatrix(format string, n int, w []float64) [][]float64 {
	c := make([][]float64, n)
	for i := range c {
		c[i] = make([]float64, n)
	}
	k := 0
	set := func(i, j int) {
		c[i][j], c[j][i] = w[k], w[k]
		k++
	}
	for i := range n {
		switch format {
		case "FULL_MATRIX":
			for j := range n {
				c[i][j] = w[k]
				k++
			}
		case "UPPER_ROW":
			for j := i + 1; j < n; j++ {
				set(i, j)
			}
		case "LOWER_ROW":
			for j := range i {
				set(i, j)
			}
		case "UPPER_DIAG_ROW":
			for j := i; j < n; j++ {
				set(i, j)
			}
		case "LOWER_DIAG_ROW":
			for j := 0; j <= i; j++ {
				set(i, j)
			}
		}
	}
	return c
}

// clip shortens text quoted in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
