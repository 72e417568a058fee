package study_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/study"
)

// ReadWidthPoints never panics; what it accepts is a valid point and
// reads back the same after writing.
func FuzzReadWidthPoints(f *testing.F) {
	seed, err := os.ReadFile("../docs/widthstudy_results.jsonl")
	require.NoError(f, err)
	f.Add(string(seed))
	f.Add(strings.SplitAfter(string(seed), "\n")[0])
	f.Add(`{"key":"v1","pstar":3,"width":10,"epochs":1,"test_mse":0.1,"optimum":1.5}`)
	f.Add(`{"key":"v1","pstar":3,"width":10,"epochs":1,"test_mse":-1}`)
	f.Add("{\"key\":\"v1\",\"pstar\":3,\"width\":10,\"epochs\":1,\"test_mse\":0.1}\n\n{")
	f.Fuzz(func(t *testing.T, text string) {
		pts, err := study.ReadWidthPoints(strings.NewReader(text), "f")
		if err != nil {
			return
		}
		var b bytes.Buffer
		for _, p := range pts {
			assert.NotEmpty(t, p.Key)
			assert.GreaterOrEqual(t, p.PStar, 2)
			assert.GreaterOrEqual(t, p.Width, 1)
			assert.GreaterOrEqual(t, p.TestMSE, 0.0)
			if p.Optimum != nil {
				assert.True(t, *p.Optimum >= 0 && *p.Optimum <= 1)
			}
			line, err := json.Marshal(p)
			require.NoError(t, err)
			b.Write(append(line, '\n'))
		}
		again, err := study.ReadWidthPoints(&b, "again")
		require.NoError(t, err)
		assert.Equal(t, pts, again)
	})
}
