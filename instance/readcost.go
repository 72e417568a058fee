package instance

import (
	"bytes"
	"fmt"
	"os"

	"github.com/dp2nn/dp2nn/diag"
)

// The heap ReadInstance allocates, at most, per line of the knapsack
// text format (an item: its values as float64 and exactly, as big.Rat,
// the two maps that hold them, and the parse; about 1.7 KiB measured)
// and per ':' or ',' of JSON (a key or a value: about 550 bytes measured
// per item of either JSON form): TestReadCostBounds checks both.
const (
	ReadBytesPerLine  = 2560
	ReadBytesPerToken = 640
	// ReadBytesPerByte is charged for every byte of the file: the bytes
	// read (a data file's reader reads it up to three times: to choose
	// its form, to check its keys, to parse) and the strings decoded from
	// them (a 50 MB string took 176 MB of peak memory).
	ReadBytesPerByte = 4
)

// ReadCost bounds, from its bytes alone and before parsing, the heap
// ReadInstance takes to read data: ReadBytesPerLine for every line of a
// text file, ReadBytesPerToken for every ':' and ',' of a JSON file, and
// ReadBytesPerByte for every byte.
func ReadCost(name string, data []byte) int64 {
	n, per := readUnits(name, data)
	return n*per + ReadBytesPerByte*int64(len(data))
}

// readUnits counts what ReadCost charges for: lines, or JSON tokens.
func readUnits(name string, data []byte) (n, per int64) {
	if isJSON(name, data) {
		return int64(bytes.Count(data, []byte{':'}) + bytes.Count(data, []byte{','})), ReadBytesPerToken
	}
	return int64(bytes.Count(data, []byte{'\n'})) + 1, ReadBytesPerLine
}

// ReadInstanceFileWithin is ReadInstanceFile refusing, before it reads
// or parses, a file whose reading would take more than maxMemory bytes
// of heap (by ReadCost; the file's size first): the error names the
// file, the figure, the limit and -max-memory. maxMemory <= 0 means no
// limit.
func ReadInstanceFileWithin(path string, maxMemory int64) (*Instance, error) {
	if maxMemory > 0 {
		if st, err := os.Stat(path); err == nil && ReadBytesPerByte*st.Size() > maxMemory {
			return nil, tooLargeToRead(path, ReadBytesPerByte*st.Size(), maxMemory, fmt.Sprintf("%s bytes", diag.Thousands(st.Size())))
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read instance: %w", err)
	}
	if err := CheckReadCost(path, data, maxMemory); err != nil {
		return nil, err
	}
	return ReadInstance(path, data)
}

// ReadDataFileWithin is ReadDataFile refusing, before it parses, a file
// whose reading would take more than maxMemory bytes of heap, as
// ReadInstanceFileWithin does (maxMemory <= 0: no limit).
func ReadDataFileWithin(path string, source int, maxMemory int64) (*DataFile, error) {
	if maxMemory > 0 {
		st, err := os.Stat(path)
		if err == nil && ReadBytesPerByte*st.Size() > maxMemory {
			return nil, tooLargeToRead(path, ReadBytesPerByte*st.Size(), maxMemory, fmt.Sprintf("%s bytes", diag.Thousands(st.Size())))
		}
		if data, err := os.ReadFile(path); err == nil {
			if err := CheckReadCost(path, data, maxMemory); err != nil {
				return nil, err
			}
		}
	}
	return ReadDataFile(path, source)
}

// CheckReadCost refuses data (read from the file called name) when
// ReadCost passes maxMemory (<= 0: no limit).
func CheckReadCost(name string, data []byte, maxMemory int64) error {
	if maxMemory <= 0 {
		return nil
	}
	if c := ReadCost(name, data); c > maxMemory {
		n, per := readUnits(name, data)
		what := "lines"
		if per == ReadBytesPerToken {
			what = "JSON keys and values"
		}
		return tooLargeToRead(name, c, maxMemory, fmt.Sprintf("%s %s of up to %d bytes each", diag.Thousands(n), what, per))
	}
	return nil
}

func tooLargeToRead(path string, cost, limit int64, why string) error {
	return fmt.Errorf("%s: reading the instance would take about %s of memory (%s), above -max-memory %s (%d bytes): raise -max-memory or split the instance",
		path, diag.Bytes(cost), why, diag.Bytes(limit), limit)
}

func isJSON(name string, data []byte) bool {
	return hasJSONSuffix(name) || bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
}
