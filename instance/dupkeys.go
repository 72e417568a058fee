package instance

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// duplicateKey finds the first object key of the JSON text data that its
// object has already, which encoding/json would take silently (the last
// value winning), and says where it is: "line:col: key "n" appears
// twice in the same object (first at line:col)". Invalid JSON is left to
// the decoder, which says what is wrong with it: ok is then true.
func duplicateKey(data []byte) (line, col int, msg string, ok bool) {
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]int64 // key → offset after it
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, "", true
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, wantKey: true, keys: map[string]int64{}})
			case '[':
				stack = append(stack, frame{})
			case '}', ']':
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				off := dec.InputOffset()
				if first, dup := stack[n-1].keys[t]; dup {
					line, col = lineCol(data, off-int64(len(quote(t))))
					fl, fc := lineCol(data, first-int64(len(quote(t))))
					return line, col, fmt.Sprintf("key %q appears twice in the same object (first at %d:%d); give it once", t, fl, fc), false
				}
				stack[n-1].keys[t] = off
				stack[n-1].wantKey = false
				continue
			}
			valueDone()
		default:
			valueDone()
		}
		if len(stack) == 0 {
			return 0, 0, "", true
		}
	}
}

// quote is the JSON text of s as encoding/json writes it, for its length.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
