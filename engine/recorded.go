package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/dsl"
)

// CheckRecorded checks f, the program a model records, with the params
// it records (key names the metadata entry that holds them): dsl.Check,
// except that a recorded param the program does not declare, or a param
// it declares without a default that the record lacks, is reported as
// the record's, naming the recorded params — not as a -set flag, which
// the user reading a model never gave. Every model reader (Recompile,
// RecompileRecurrence, verify's smooth graph) checks its record here.
func CheckRecorded(f *dsl.File, params map[string]int64, key string) (*dsl.Model, error) {
	declared := map[string]bool{}
	var names, missing []string
	for _, d := range f.Params {
		declared[d.Name.Name] = true
		names = append(names, d.Name.Name)
		if _, ok := params[d.Name.Name]; !ok && d.Default == nil {
			missing = append(missing, d.Name.Name)
		}
	}
	var unknown []string
	for _, name := range slices.Sorted(maps.Keys(params)) {
		if !declared[name] {
			unknown = append(unknown, fmt.Sprintf("%s = %d", name, params[name]))
		}
	}
	decl := "none"
	if len(names) > 0 {
		decl = strings.Join(names, ", ")
	}
	switch {
	case len(unknown) > 0:
		return nil, fmt.Errorf("the recorded params (metadata %s: %s) set %s, which the recorded program does not declare (its params: %s); the model's metadata was changed or is not dp2nn's", key, recordedParams(params), strings.Join(unknown, ", "), decl)
	case len(missing) > 0:
		return nil, fmt.Errorf("the recorded params (metadata %s: %s) give no value to %s, which the recorded program declares without a default; the model's metadata was changed or is not dp2nn's", key, recordedParams(params), strings.Join(missing, ", "))
	}
	return dsl.Check(f, params)
}

// recordedParams lists params as NAME = V, sorted, or "none".
func recordedParams(params map[string]int64) string {
	if len(params) == 0 {
		return "none"
	}
	var s []string
	for _, name := range slices.Sorted(maps.Keys(params)) {
		s = append(s, fmt.Sprintf("%s = %d", name, params[name]))
	}
	return strings.Join(s, ", ")
}
