package instance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/truth"
)

// MarshalInstance returns inst in the generic JSON form that
// ReadInstance reads back: "name", "params" (the scalars), "data" (nested
// lists, "inf" for +inf) and "steps" (each step's named values), every
// object's keys sorted, each innermost list on one line. Numbers are
// written as the shortest decimals that read back as the same float64;
// Instance.Exact is not written (a knapsack instance's sizes read back as
// their float64 values). It fails on a value JSON cannot hold: NaN, ±Inf
// outside data, -inf in data, or data whose values do not fill its shape.
func MarshalInstance(inst *Instance) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	sep := "\n"
	field := func(key string) {
		b.WriteString(sep)
		sep = ",\n"
		fmt.Fprintf(&b, "  %s: ", jsonString(key))
	}
	if inst.Name != "" {
		field("name")
		b.WriteString(jsonString(inst.Name))
	}
	if len(inst.Scalars) > 0 {
		field("params")
		obj, err := numberObject(inst.Scalars, "param")
		if err != nil {
			return nil, err
		}
		b.WriteString(obj)
	}
	if len(inst.Data) > 0 {
		field("data")
		b.WriteString("{")
		dsep := "\n"
		for _, name := range slices.Sorted(maps.Keys(inst.Data)) {
			b.WriteString(dsep)
			dsep = ",\n"
			fmt.Fprintf(&b, "    %s: ", jsonString(name))
			if err := writeDataArray(&b, name, inst.Data[name]); err != nil {
				return nil, err
			}
		}
		b.WriteString("\n  }")
	}
	if len(inst.Steps) > 0 {
		field("steps")
		b.WriteString("[")
		for k, st := range inst.Steps {
			if k > 0 {
				b.WriteString(",")
			}
			obj, err := numberObject(st, fmt.Sprintf("step %d:", k+1))
			if err != nil {
				return nil, err
			}
			b.WriteString("\n    " + obj)
		}
		b.WriteString("\n  ]")
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// WriteInstance writes MarshalInstance(inst) to w.
func WriteInstance(w io.Writer, inst *Instance) error {
	data, err := MarshalInstance(inst)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func jsonString(s string) string {
	data, _ := json.Marshal(s) // a string always marshals
	return string(data)
}

// numberObject prints {"key": value, ...} on one line, keys sorted.
func numberObject(vals map[string]float64, what string) (string, error) {
	parts := make([]string, 0, len(vals))
	for _, key := range slices.Sorted(maps.Keys(vals)) {
		v := vals[key]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("verify: cannot write %s %s = %v as JSON", what, key, v)
		}
		parts = append(parts, jsonString(key)+": "+truth.FormatData(v))
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

// writeDataArray writes arr as nested lists, the innermost on one line.
func writeDataArray(b *bytes.Buffer, name string, arr *DataArray) error {
	if arr == nil {
		return fmt.Errorf("verify: data %s has no value", name)
	}
	want := 1
	for _, n := range arr.Shape {
		want *= n
	}
	if len(arr.Values) != want {
		return fmt.Errorf("verify: data %s: %d values for its shape %v", name, len(arr.Values), arr.Shape)
	}
	for _, v := range arr.Values {
		if math.IsNaN(v) || math.IsInf(v, -1) {
			return fmt.Errorf("verify: cannot write data %s value %v as JSON (only numbers and inf)", name, v)
		}
	}
	value := func(v float64) string {
		if math.IsInf(v, 1) {
			return `"inf"`
		}
		return truth.FormatData(v)
	}
	var write func(depth, off int, indent string)
	write = func(depth, off int, indent string) {
		if depth == len(arr.Shape)-1 {
			parts := make([]string, arr.Shape[depth])
			for i := range parts {
				parts[i] = value(arr.Values[off+i])
			}
			b.WriteString("[" + strings.Join(parts, ", ") + "]")
			return
		}
		stride := 1
		for _, n := range arr.Shape[depth+1:] {
			stride *= n
		}
		b.WriteString("[")
		for i := range arr.Shape[depth] {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n" + indent + "  ")
			write(depth+1, off+i*stride, indent+"  ")
		}
		b.WriteString("\n" + indent + "]")
	}
	if len(arr.Shape) == 0 {
		b.WriteString(value(arr.Values[0]))
		return nil
	}
	write(0, 0, "    ")
	return nil
}
