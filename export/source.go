package export

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Source is the program a model was compiled from, written into the
// model's metadata_props (keys "source.*", see Options.Source) so that a
// reader can compile the same network again: engine.Recompile does. The
// fields are plain values; export does not interpret them.
type Source struct {
	Program string           // the program's text
	File    string           // its path, for positions in messages
	Params  map[string]int64 // the params set explicitly (defaults are derived again)
	Scheme  string           // "exact", "fptas" or "smooth"
	// P is the table size of the fptas scheme, or for a program with data
	// the number of values a rounded offset takes; 0 for the others.
	P int
	// The smooth scheme: regulariser, strength γ, the steps the network
	// is unrolled over and the step inputs fixed at compile time.
	Reg   string
	Gamma float64
	Steps int
	Fixed map[string][]float64
}

// Keys of metadata_props that hold the Source.
const (
	srcPrefix  = "source."
	srcProgram = "source.program"
	srcFile    = "source.file"
	srcParams  = "source.params"
	srcScheme  = "source.scheme"
	srcP       = "source.P"
	srcReg     = "source.reg"
	srcGamma   = "source.gamma"
	srcSteps   = "source.steps"
	srcFixed   = "source.fixed"
	smoothName = "smooth"
)

// SourceParamsKey is the metadata key of Source.Params, for messages
// that name it.
const SourceParamsKey = srcParams

// metadata returns the entries that record s.
func (s *Source) metadata() map[string]string {
	params := s.Params
	if params == nil {
		params = map[string]int64{}
	}
	pj, _ := json.Marshal(params)
	meta := map[string]string{
		srcProgram: s.Program, srcFile: s.File, srcParams: string(pj), srcScheme: s.Scheme,
	}
	if s.P != 0 {
		meta[srcP] = strconv.Itoa(s.P)
	}
	if s.Scheme == smoothName {
		fj, _ := json.Marshal(s.Fixed)
		meta[srcReg], meta[srcGamma] = s.Reg, strconv.FormatFloat(s.Gamma, 'g', -1, 64)
		meta[srcSteps], meta[srcFixed] = strconv.Itoa(s.Steps), string(fj)
	}
	return meta
}

// Source returns the program the model was compiled from, as Options.Source
// recorded it; an error when the model has none or it is malformed.
func (m *Model) Source() (*Source, error) {
	md := m.Metadata
	prog, ok := md[srcProgram]
	if !ok {
		return nil, fmt.Errorf("the model has no %s metadata; was it written by dp2nn compile?", srcProgram)
	}
	s := &Source{Program: prog, File: md[srcFile], Scheme: md[srcScheme]}
	bad := func(key string, err error) error { return fmt.Errorf("bad %s metadata: %v", key, err) }
	if err := json.Unmarshal([]byte(md[srcParams]), &s.Params); err != nil {
		return nil, bad(srcParams, err)
	}
	var err error
	if v, ok := md[srcP]; ok {
		if s.P, err = strconv.Atoi(v); err != nil {
			return nil, bad(srcP, err)
		}
	}
	if s.Scheme == smoothName {
		s.Reg = md[srcReg]
		if s.Gamma, err = strconv.ParseFloat(md[srcGamma], 64); err != nil {
			return nil, bad(srcGamma, err)
		}
		if s.Steps, err = strconv.Atoi(md[srcSteps]); err != nil {
			return nil, bad(srcSteps, err)
		}
		if err := json.Unmarshal([]byte(md[srcFixed]), &s.Fixed); err != nil {
			return nil, bad(srcFixed, err)
		}
	}
	return s, nil
}

// reservedKey says why a key of Options.Metadata is not the caller's to
// write, "" when it is.
func reservedKey(k string, src *Source) string {
	switch {
	case strings.HasPrefix(k, metaPrefix):
		return fmt.Sprintf("keys starting with %q are written by dp2nn", metaPrefix)
	case src != nil && strings.HasPrefix(k, srcPrefix):
		return fmt.Sprintf("keys starting with %q hold Options.Source", srcPrefix)
	}
	return ""
}
