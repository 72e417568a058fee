package compile_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/export"
	"github.com/dp2nn/dp2nn/internal/testprog"
	"github.com/dp2nn/dp2nn/problems"
)

// One count of dense parameters: the cost model (Estimate, before the
// network is built), relu's Stats (what dp2nn widths prints) and the
// exporter (ResolveLayout, what the dense layout writes) agree on every
// program of the table, and on knapsack with pmax = 100, where widths and
// the exporter once said 2,581,050 and 2,015,650.
func TestDenseParamsAgree(t *testing.T) {
	type prog struct {
		name, program string
		params        map[string]int64
	}
	progs := []prog{{"knapsack/pmax=100", "examples/knapsack.dp", map[string]int64{"pmax": 100}}}
	for _, c := range problems.StepCases() {
		progs = append(progs, prog{c.Name, c.Program, c.Params})
	}
	for _, c := range problems.DataCases() {
		progs = append(progs, prog{c.Name, c.Program, c.Params})
	}
	for _, p := range progs {
		t.Run(p.name, func(t *testing.T) {
			m := testprog.Load(t, p.program, p.params)
			net, err := compile.Lower(m, compile.Options{})
			require.NoError(t, err)
			cost, err := compile.Estimate(m, compile.Options{}, compile.Job{}, compile.Limits{})
			require.NoError(t, err)
			_, exported := export.ResolveLayout(net.Cell, export.Dense)
			assert.Equal(t, exported, cost.Params.Dense, "cost model")
			assert.Equal(t, exported, int64(net.Cell.Stats().DenseParams), "widths (relu.Stats)")
		})
	}
}
