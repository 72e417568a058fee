//go:build !amd64 || purego

package smooth

// haveAVX2 is false: the scalar kernels run alone.
const haveAVX2 = false

func gini3AVX2(x0, x1, x2, v, p []float64, scale, coef float64) {
	panic("smooth: gini3AVX2 without AVX2")
}

func tsallis3AVX2(x0, x1, x2, v, p []float64, scale, coef float64) {
	panic("smooth: tsallis3AVX2 without AVX2")
}
