package compile

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/dsl"
	"github.com/dp2nn/dp2nn/internal/repo"
	"github.com/dp2nn/dp2nn/problems"
)

// selectRunTests are programs whose offset reads leave the state through
// several boundary rules, in either dimension, with values other than
// the state's lower end.
var selectRunTests = []struct {
	name, src string
	params    map[string]int64
}{
	{"boundaries on both sides", `dp b
param n int = 12
input d int in -5..5
state f[i in 1..n] int in 0..9 = 1
f[i <= -2] = 3
f[i == 0] = 0
f[i < 1] = 7
f[i > n + 2] = 2
f[i != 0] = 5
step f[i] = max(f[i], f[i + d])
answer f[n]
`, nil},
	{"second dimension, first out of range", `dp c
param n int = 6
input d int in 0..4
state f[j in 0..3, i in 1..n] int in 0..5 = 0
f[j < 0] = 4
f[i <= 0] = 2
step f[j, i] = min(f[j, i], f[j - 1, i - d] + 1)
answer f[3, n]
`, nil},
}

func lowerBothWays(t *testing.T, m *dsl.Model) {
	t.Helper()
	fast, errFast := Lower(m, Options{Scheme: Exact})
	selectRuns = false
	defer func() { selectRuns = true }()
	slow, errSlow := Lower(m, Options{Scheme: Exact})
	if errSlow != nil {
		require.Error(t, errFast)
		assert.Equal(t, errSlow.Error(), errFast.Error())
		return
	}
	require.NoError(t, errFast)
	assert.True(t, reflect.DeepEqual(slow.Cell, fast.Cell), "the cell networks differ")
}

// selectRead's runs (selectRunsOf) build the network the plain loop over
// every offset builds, neuron for neuron.
func TestSelectRunsSameNetwork(t *testing.T) {
	for _, p := range problems.Table {
		f, err := repo.ReadProgram(p.Program)
		require.NoError(t, err)
		for _, s := range p.Settings {
			t.Run(p.Name+"/"+s.Label, func(t *testing.T) {
				m, err := dsl.Check(f, s.Params)
				require.NoError(t, err)
				lowerBothWays(t, m)
			})
		}
	}
	for _, tc := range selectRunTests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := dsl.Parse("t.dp", []byte(tc.src))
			require.NoError(t, err)
			m, err := dsl.Check(f, tc.params)
			require.NoError(t, err)
			lowerBothWays(t, m)
		})
	}
}
