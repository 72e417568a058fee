package knapsack

import (
	"bytes"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestCheckGuarantee(t *testing.T) {
	// OPT = 100, n = 2, P = 8: the bound is (1 − 4/8)·100 = 50.
	tests := []struct {
		name   string
		pNN    *big.Rat
		opt    int64
		n, P   int
		errMsg string // "" when the guarantee holds
	}{
		{"at the bound", big.NewRat(50, 1), 100, 2, 8, ""},
		{"just below the bound", big.NewRat(49999, 1000), 100, 2, 8, "short by 1/1000"},
		{"optimal", big.NewRat(100, 1), 100, 2, 8, ""},
		{"above OPT", big.NewRat(701, 7), 100, 2, 8, "p_NN = 701/7 exceeds OPT = 100"},
		{"vacuous bound", big.NewRat(0, 1), 100, 3, 8, ""},
		{"zero optimum", big.NewRat(0, 1), 0, 5, 30, ""},
		{"fractional bound", big.NewRat(1, 3), 1, 1, 3, "below (1 − 1²/3)·OPT = 2/3"},
		{"P zero", big.NewRat(1, 1), 1, 1, 0, "P = 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckGuarantee(tt.pNN, tt.opt, tt.n, tt.P)
			if tt.errMsg == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.errMsg)
		})
	}
}

// studyInstances are the lowdim files and 20 seeded instances of each
// generated family at n = 10 and n = 20.
func studyInstances(t testing.TB) []Instance {
	var out []Instance
	for _, c := range readLowdim(t) {
		out = append(out, c.Instance)
	}
	rng := rand.New(rand.NewPCG(11, 11))
	for _, f := range Families {
		for _, n := range []int{10, 20} {
			spec := Spec{Family: f, N: n, R: 1000, Fraction: 0.5}
			for k := range 20 {
				out = append(out, Draw(spec, rng, fmt.Sprintf("%v #%d", spec, k)))
			}
		}
	}
	return out
}

func TestStudyGolden(t *testing.T) {
	rows, err := Study(studyInstances(t), []int{100, 400, 1600})
	require.NoError(t, err)
	for _, r := range rows {
		assert.Zero(t, r.Violations, "%s n=%d P=%d: %s", r.Family, r.N, r.P, r.FirstViolation)
		assert.LessOrEqual(t, r.Worst, r.Mean)
		assert.LessOrEqual(t, r.Mean, 1.0)
		assert.Equal(t, 2*r.P*r.P+2*r.P, r.Width())
	}
	var buf bytes.Buffer
	require.NoError(t, WriteStudy(&buf, rows))
	golden := filepath.Join("testdata", "study.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), buf.String())
}

func TestStudyDropsOversizedItems(t *testing.T) {
	// Study drops the item that does not fit, so the example of
	// TestFPTASOversizedItem passes; rows are grouped by family, n and P.
	bad := Instance{Name: "oversized", Family: "hand", Profits: []int64{100, 1}, Weights: []int64{2, 1}, Capacity: 1}
	rows, err := Study([]Instance{bad, bad}, []int{8, 9})
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, StudyRow{Family: "hand", N: 2, P: 8, Widths: FPTASWidths(8), Instances: 2, Bound: 0.5,
		Worst: 1, Mean: 1, Exact: 2}, rows[0])
}

func ExampleCheckGuarantee() {
	// p_NN = 7/2 on an instance of 3 items with OPT = 4.
	pNN := big.NewRat(7, 2)
	fmt.Println(CheckGuarantee(pNN, 4, 3, 100)) // bound (1 − 9/100)·4 = 3.64
	fmt.Println(CheckGuarantee(pNN, 4, 3, 10))  // bound 0.4
	// Output:
	// knapsack: p_NN = 7/2 is below (1 − 3²/100)·OPT = 91/25 (OPT = 4, short by 7/50)
	// <nil>
}

// BenchmarkStudy is the larger sweep: 50 instances of every family at
// n = 50, at P = n², 2n², 4n², 8n². It reports the worst ratio seen and the
// number of violations, which must stay 0.
func BenchmarkStudy(b *testing.B) {
	rng := rand.New(rand.NewPCG(12, 12))
	var ins []Instance
	for _, f := range Families {
		spec := Spec{Family: f, N: 50, R: 1000, Fraction: 0.5}
		for k := range 50 {
			ins = append(ins, Draw(spec, rng, fmt.Sprintf("%v #%d", spec, k)))
		}
	}
	var rows []StudyRow
	for b.Loop() {
		var err error
		if rows, err = Study(ins, []int{2500, 5000, 10000, 20000}); err != nil {
			b.Fatal(err)
		}
	}
	worst, violations := 1.0, 0
	for _, r := range rows {
		worst = min(worst, r.Worst)
		violations += r.Violations
	}
	b.ReportMetric(worst, "worst-ratio")
	b.ReportMetric(float64(violations), "violations")
}
