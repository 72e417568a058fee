package smooth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// kernel3 is a run kernel of three options (gini3s, tsallis3s and their
// scalar forms).
type kernel3 func(x0, x1, x2, v, m, tau, p []float64, gamma, inv float64)

// kernelPairs are the run kernels as dispatched (vector where the
// processor has AVX2) and their scalar forms.
var kernelPairs = []struct {
	reg      Reg
	run, ref kernel3
}{
	{Gini, gini3s, gini3sGo},
	{Tsallis, tsallis3s, tsallis3sGo},
}

// checkKernelRun runs both forms of each kernel on one run and requires
// equal values and probabilities, node by node.
func checkKernelRun(t *testing.T, x0, x1, x2 []float64, gamma float64) {
	t.Helper()
	n := len(x0)
	for _, k := range kernelPairs {
		v, p := make([]float64, n), make([]float64, 3*n)
		wv, wp := make([]float64, n), make([]float64, 3*n)
		m, tau := make([]float64, n), make([]float64, n)
		k.run(x0, x1, x2, v, m, tau, p, gamma, 1/gamma)
		k.ref(x0, x1, x2, wv, m, tau, wp, gamma, 1/gamma)
		for q := range n {
			if v[q] != wv[q] || p[3*q] != wp[3*q] || p[3*q+1] != wp[3*q+1] || p[3*q+2] != wp[3*q+2] {
				t.Fatalf("%v γ=%g node %d of %d, x = %v, %v, %v: value %v p %v, scalar %v p %v",
					k.reg, gamma, q, n, x0[q], x1[q], x2[q], v[q], p[3*q:3*q+3], wv[q], wp[3*q:3*q+3])
			}
		}
	}
}

// TestKernelsAVX2MatchGo: the dispatched kernels (AVX2 on four nodes at a
// time where the processor has it, the scalar form for the rest) equal
// the scalar form exactly, on every run length up to 13 and on runs of
// LCS-like integers, ties, wide ranges and values that put the threshold
// in each of its three cases.
func TestKernelsAVX2MatchGo(t *testing.T) {
	t.Logf("AVX2 kernels: %v", haveAVX2)
	rng := rand.New(rand.NewPCG(3, 9))
	gen := map[string]func() float64{
		"ints":  func() float64 { return float64(rng.IntN(4)) },
		"ties":  func() float64 { return float64(rng.IntN(2)) * 0.5 },
		"wide":  func() float64 { return (rng.Float64() - 0.5) * 1e6 },
		"small": func() float64 { return (rng.Float64() - 0.5) * 3 },
		"zeros": func() float64 { return []float64{0, math.Copysign(0, -1), 1e-300}[rng.IntN(3)] },
	}
	for name, g := range gen {
		for _, gamma := range []float64{1e-3, 0.1, 1, 3.7, 1e3} {
			for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 13, 1000} {
				t.Run(fmt.Sprintf("%s/γ=%g/n=%d", name, gamma, n), func(t *testing.T) {
					x0, x1, x2 := make([]float64, n), make([]float64, n), make([]float64, n)
					for q := range n {
						x0[q], x1[q], x2[q] = g(), g(), g()
					}
					checkKernelRun(t, x0, x1, x2, gamma)
				})
			}
		}
	}
}

// FuzzKernelsAVX2: on a run of eight nodes built from three options (the
// six orders of the triple, then the triple shifted by ±d), the
// dispatched kernels equal the scalar ones exactly, for finite options
// within ±1e6 and γ within [1e-3, 1e3].
func FuzzKernelsAVX2(f *testing.F) {
	f.Add(1.0, 0.0, 0.0, 0.0, 1.0)
	f.Add(0.5, 3.0, -2.0, 2.9, 0.25)
	f.Add(1e-3, 1e6, -1e6, 0.0, 1.0)
	f.Fuzz(func(t *testing.T, gamma, a, b, c, d float64) {
		for _, v := range []float64{a, b, c, d} {
			if !(math.Abs(v) <= 1e6) {
				return
			}
		}
		if !(gamma >= 1e-3 && gamma <= 1e3) {
			return
		}
		x0 := []float64{a, a, b, b, c, c, a + d, a - d}
		x1 := []float64{b, c, a, c, a, b, b + d, b - d}
		x2 := []float64{c, b, c, a, b, a, c + d, c - d}
		checkKernelRun(t, x0, x1, x2, gamma)
	})
}

func TestKernelPairsAreDistinct(t *testing.T) {
	// a check that the scalar forms are what the dispatchers fall back to
	// (on a run shorter than four nodes no vector kernel runs)
	x := []float64{2}
	for _, k := range kernelPairs {
		v, wv, p, wp := make([]float64, 1), make([]float64, 1), make([]float64, 3), make([]float64, 3)
		k.run(x, []float64{1}, []float64{0}, v, make([]float64, 1), make([]float64, 1), p, 1, 1)
		k.ref(x, []float64{1}, []float64{0}, wv, make([]float64, 1), make([]float64, 1), wp, 1, 1)
		require.Equal(t, wv, v, "%v", k.reg)
		require.Equal(t, wp, p, "%v", k.reg)
	}
}

// TestKernelsUseAVX2Registers: the generated kernels name no register
// that needs AVX-512 (X16–X31, Y16–Y31, Z, K), which the assembler accepts
// without complaint and avo allocates when a kernel needs more than the
// sixteen of AVX2: such a kernel would fault on a processor with AVX2
// alone, which is all haveAVX2 checks.
func TestKernelsUseAVX2Registers(t *testing.T) {
	src, err := os.ReadFile("graphkern_amd64.s")
	require.NoError(t, err)
	avx512 := regexp.MustCompile(`\b([XY](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7])\b`)
	for i, line := range strings.Split(string(src), "\n") {
		if m := avx512.FindString(line); m != "" {
			t.Errorf("graphkern_amd64.s:%d: %s needs AVX-512: %s", i+1, m, strings.TrimSpace(line))
		}
	}
	require.Contains(t, string(src), "VBLENDVPD", "not the kernels' source")
}
