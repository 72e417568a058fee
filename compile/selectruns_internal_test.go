package compile

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
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

// selectBound is a lower bound: a neuron limit equal to a network's own
// count never refuses it, one below always does (a bound above the count
// would refuse a network that fits).
func TestSelectBoundNeverRefusesWhatFits(t *testing.T) {
	check := func(t *testing.T, m *dsl.Model) {
		var bound int64
		onSelectBound = func(n int64) { bound += n }
		c, err := Estimate(m, Options{Scheme: Exact}, Job{}, Limits{Neurons: -1, Memory: -1})
		onSelectBound = nil
		if err != nil {
			t.Skip(err) // not a program the exact scheme lowers
		}
		net, err := Lower(m, Options{Scheme: Exact})
		require.NoError(t, err)
		selects := 0
		for _, g := range net.Cell.Groups {
			if g.Rule == "offset-select" && strings.HasPrefix(g.Name, "select ") {
				selects += g.Len
			}
		}
		assert.LessOrEqual(t, bound, int64(selects), "the bound passes the selection neurons")
		if m.Name == "knapsack" || m.Name == "knapsack_int" {
			// Every read outside the state is the constant lo: the bound
			// is exact.
			assert.Equal(t, int64(selects), bound)
		}
		_, err = Estimate(m, Options{Scheme: Exact}, Job{}, Limits{Neurons: max(c.Neurons, 1), Memory: -1})
		require.NoError(t, err, "a limit of the network's own %d neurons", c.Neurons)
		if c.Neurons > 1 {
			_, err = Estimate(m, Options{Scheme: Exact}, Job{}, Limits{Neurons: c.Neurons - 1, Memory: -1})
			var tl *TooLargeError
			require.ErrorAs(t, err, &tl)
		}
	}
	for _, p := range problems.Table {
		f, err := repo.ReadProgram(p.Program)
		require.NoError(t, err)
		for _, s := range p.Settings {
			t.Run(p.Name+"/"+s.Label, func(t *testing.T) {
				m, err := dsl.Check(f, s.Params)
				require.NoError(t, err)
				check(t, m)
			})
		}
	}
	for _, tc := range selectRunTests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := dsl.Parse("t.dp", []byte(tc.src))
			require.NoError(t, err)
			m, err := dsl.Check(f, tc.params)
			require.NoError(t, err)
			check(t, m)
		})
	}
	for _, pmax := range []int64{1, 2, 7, 60} {
		for _, prog := range []string{"examples/knapsack.dp", "examples/knapsack_int.dp", "examples/change.dp", "examples/subsetsum.dp"} {
			param := map[string]string{"examples/change.dp": "amax", "examples/subsetsum.dp": "capacity"}[prog]
			if param == "" {
				param = "pmax"
			}
			t.Run(fmt.Sprintf("%s/%s=%d", prog, param, pmax), func(t *testing.T) {
				f, err := repo.ReadProgram(prog)
				require.NoError(t, err)
				m, err := dsl.Check(f, map[string]int64{param: pmax})
				require.NoError(t, err)
				check(t, m)
			})
		}
	}
}

// The bound refuses a step far past the limit before its cells are
// lowered: knapsack_int with pmax = 5,000 asks for 12.5 million selection
// neurons, refused without counting two million of them.
func TestSelectBoundRefusesAtOnce(t *testing.T) {
	f, err := repo.ReadProgram("examples/knapsack_int.dp")
	require.NoError(t, err)
	m, err := dsl.Check(f, map[string]int64{"pmax": 5000})
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Estimate(m, Options{}, Job{}, Limits{})
	runtime.ReadMemStats(&after)
	var tl *TooLargeError
	require.ErrorAs(t, err, &tl)
	assert.Equal(t, "-max-neurons", tl.Flag)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "no walk to the limit (it allocated over 100 MB)")
}
