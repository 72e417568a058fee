package instance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// duplicateKey finds the first object key of the JSON text data that its
// object has already, which encoding/json would take silently (the last
// value winning), and says where it is: "line:col: key "n" appears
// twice in the same object (first at line:col)". Invalid JSON is left to
// the decoder, which says what is wrong with it: ok is then true.
func duplicateKey(data []byte) (line, col int, msg string, ok bool) {
	return checkKeys(data, nil)
}

// checkKeys is duplicateKey, and, when v is not nil, also finds the first
// key that names a field of the Go struct it decodes into (v's type,
// followed along the text) only up to case — "Capacity" for "capacity"
// — which encoding/json matches silently (beside the exact key, the last
// one winning). Map keys (params, data, steps) are the program's names
// and stay case-sensitive.
func checkKeys(data []byte, v any) (line, col int, msg string, ok bool) {
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]int64 // key → offset after it
		t, next reflect.Type     // the Go type of this object or array, of its pending value
	}
	var root reflect.Type
	if v != nil {
		root = reflect.TypeOf(v)
	}
	deref := func(t reflect.Type) reflect.Type {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		return t
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
			case '{', '[':
				t := root // the Go type this container decodes into, if known
				if n := len(stack); n > 0 {
					t = stack[n-1].next
				}
				t = deref(t)
				f := frame{object: tok == json.Delim('{'), wantKey: true, keys: map[string]int64{}, t: t}
				if !f.object && t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
					f.next = t.Elem()
				}
				stack = append(stack, f)
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
				ft, exact, near := fieldType(stack[n-1].t, t)
				if !exact && near != "" {
					line, col = lineCol(data, off-int64(len(quote(t))))
					return line, col, fmt.Sprintf("key %q: keys are case-sensitive; did you mean %q?", t, near), false
				}
				stack[n-1].next = ft
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

// fieldType is the Go type of the value under key in an object that
// decodes into t (a struct's field or a map's element; nil when unknown),
// whether key names it exactly, and else the field it names up to case.
func fieldType(t reflect.Type, key string) (ft reflect.Type, exact bool, near string) {
	switch {
	case t == nil:
		return nil, true, ""
	case t.Kind() == reflect.Map:
		return t.Elem(), true, ""
	case t.Kind() != reflect.Struct:
		return nil, true, ""
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == key:
			return f.Type, true, ""
		case strings.EqualFold(name, key):
			near = name
		}
	}
	return nil, near == "", near
}
