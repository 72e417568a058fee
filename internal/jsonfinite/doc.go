// Package jsonfinite writes JSON as encoding/json does, but for floats
// that JSON numbers cannot hold: +Inf, -Inf and NaN are written as the
// strings "inf", "-inf" and "nan" (as instances write infinities), where
// encoding/json fails the whole value with "json: unsupported value".
// So a report whose answer is infinite (no feasible choice) or whose
// network went wrong (NaN) is still written whole, and a batch still
// writes every instance's line.
//
// Marshal first tries encoding/json; only when that fails on a
// non-finite float does it walk the value itself, by encoding/json's
// rules for the types dp2nn's reports use (struct fields by their json
// tags, omitempty, "-", embedded structs, maps sorted by key, slices,
// pointers, interfaces, json.Marshaler), so that a value without
// non-finite floats is written byte for byte as encoding/json writes it
// (a test checks this on the reports of package verify).
//
//	b, _ := jsonfinite.Marshal(struct{ V float64 }{math.Inf(1)}) // {"V":"inf"}
package jsonfinite
