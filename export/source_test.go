package export_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/export/exporttest"
)

// The Source a model is written with comes back from Model.Source, under
// the metadata keys docs/onnx.md lists.
func TestSourceRoundTrip(t *testing.T) {
	c := exporttest.MaxPlusCell()
	cases := []struct {
		name string
		src  export.Source
		keys []string
	}{
		{"exact", export.Source{Program: "program p\n", File: "p.dp", Params: map[string]int64{"n": 4}, Scheme: "exact"},
			[]string{"source.file", "source.params", "source.program", "source.scheme"}},
		{"no params", export.Source{Program: "program p\n", File: "p.dp", Scheme: "exact"},
			[]string{"source.file", "source.params", "source.program", "source.scheme"}},
		{"fptas", export.Source{Program: "program p\n", File: "p.dp", Params: map[string]int64{}, Scheme: "fptas", P: 12},
			[]string{"source.P", "source.file", "source.params", "source.program", "source.scheme"}},
		{"smooth", export.Source{Program: "program p\n", File: "p.dp", Params: map[string]int64{"k": 2}, Scheme: "smooth",
			Reg: "gini", Gamma: 0.8, Steps: 5, Fixed: map[string][]float64{"weight": {1, 2, 3, 4, 5}}},
			[]string{"source.fixed", "source.file", "source.gamma", "source.params", "source.program", "source.reg", "source.scheme", "source.steps"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			b, err := export.Marshal(c.Graph, export.Options{Init: c.Init, Source: &src})
			require.NoError(t, err)
			m, err := export.Parse(b)
			require.NoError(t, err)
			var keys []string
			for k := range m.Metadata {
				if len(k) > 7 && k[:7] == "source." {
					keys = append(keys, k)
				}
			}
			assert.ElementsMatch(t, tc.keys, keys)
			got, err := m.Source()
			require.NoError(t, err)
			want := tc.src
			if want.Params == nil {
				want.Params = map[string]int64{}
			}
			assert.Equal(t, &want, got)
		})
	}
}

func TestSourceErrors(t *testing.T) {
	c := exporttest.MaxPlusCell()
	read := func(meta map[string]string, src *export.Source) (*export.Source, error) {
		b, err := export.Marshal(c.Graph, export.Options{Init: c.Init, Source: src, Metadata: meta})
		require.NoError(t, err)
		m, err := export.Parse(b)
		require.NoError(t, err)
		return m.Source()
	}
	_, err := read(nil, nil)
	assert.EqualError(t, err, "the model has no source.program metadata; was it written by dp2nn compile?")
	_, err = read(map[string]string{"source.program": "p", "source.params": "[1]"}, nil)
	assert.ErrorContains(t, err, "bad source.params metadata")
	_, err = read(map[string]string{"source.program": "p", "source.params": "{}", "source.scheme": "fptas", "source.P": "x"}, nil)
	assert.ErrorContains(t, err, "bad source.P metadata")
	_, err = read(map[string]string{"source.program": "p", "source.params": "{}", "source.scheme": "smooth", "source.gamma": "1", "source.steps": "two"}, nil)
	assert.ErrorContains(t, err, "bad source.steps metadata")

	// With a Source, its keys are not the caller's to write.
	_, err = export.Marshal(c.Graph, export.Options{Init: c.Init, Source: &export.Source{Program: "p"}, Metadata: map[string]string{"source.file": "q.dp"}})
	assert.ErrorContains(t, err, `metadata key "source.file": keys starting with "source." hold Options.Source`)
}
