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

func shannonScaledAVX2(sm []float64, se []int64, s0, s1, s2, b, db8 int, tt []uint16, tm *[3]float64, te *[3]int64, outm []float64, oute []int64, p []float64) bool {
	panic("smooth: shannonScaledAVX2 without AVX2")
}

func gini3RunAVX2(vals []float64, s0, s1, s2, b, db8 int, tt []uint16, ctv *[3]float64, out, p []float64, sg, scale, coef float64) {
	panic("smooth: gini3RunAVX2 without AVX2")
}

func tsallis3RunAVX2(vals []float64, s0, s1, s2, b, db8 int, tt []uint16, ctv *[3]float64, out, p []float64, sg, scale, coef float64) {
	panic("smooth: tsallis3RunAVX2 without AVX2")
}
