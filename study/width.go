package study

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/problems"
	"github.com/dp2nn/dp2nn/train"
)

// The width study (Hertrich & Skutella, AAAI 2021, §5, Appendix C and D):
// for each p*, train the net of Appendix D (input p*+2, three hidden ReLU
// layers of width w with direct input connections, output p*) on the
// knapsack DP step at widths WStep, 2·WStep, ... until its test MSE is at
// most the threshold; fit the smallest such width against p*.

// Limits of the width study's settings.
const (
	MaxWidthPStar = 200
	MaxWidth      = 5000
)

// PaperWidthStudy is what the paper reports: its grid and, per MSE
// threshold, the p-value of the t-test of a2 = 0 in width = a0 + a1·p* +
// a2·p*² (§5, Appendix C; the fitted widths are only drawn, in Figures
// 8–10).
var PaperWidthStudy = struct {
	PStars  string             `json:"pstars"`
	WStep   int                `json:"wstep"`
	PValues map[string]float64 `json:"p_values"`
	Epochs  string             `json:"epochs"`
	Epoch   string             `json:"epoch_time"`
}{
	PStars: "3, 6, …, 75 (threshold 0.005); 1..25 (0.0025); 2, 4, …, 50 (0.00375)", WStep: 25,
	PValues: map[string]float64{"0.005": 0.011, "0.0025": 0.0012, "0.00375": 0.000046},
	Epochs:  "10 to 80 until the stop", Epoch: "8 to 30 s on an Intel i5-8500 (TensorFlow 2.2, CPU)",
}

// WidthConfig is one run of the width study.
type WidthConfig struct {
	PStars    []int
	Threshold float64 // test MSE to reach (the paper: 0.005)
	WStep     int     // widths WStep, 2·WStep, ... (the paper: 25)
	WMax      int     // give up on a p* beyond this width
	Seed      uint64
	Protocol  train.Protocol
	Pool      int // shuffle buffer of the data stream (DefaultPool)
	// Generator draws the training and test instances (VerifiedGenerator, the
	// default, or PaperGenerator).
	Generator Generator
	Workers   int // p* values trained in parallel; 0 means GOMAXPROCS
	// Done are points of an earlier run with the same Key: they are not
	// trained again.
	Done []WidthPoint
	// OnPoint sees every newly trained point as soon as it is done (to
	// append it to a results file), never concurrently; an error stops
	// the study.
	OnPoint func(WidthPoint) error
	// OnPStar is called when the search of one p* is over.
	OnPStar func(pstar int)
}

// WidthPoint is one trained net.
type WidthPoint struct {
	Key       string  `json:"key"` // the settings a point depends on
	PStar     int     `json:"pstar"`
	Width     int     `json:"width"`
	Epochs    int     `json:"epochs"`
	Stopped   string  `json:"stopped"`
	TrainLoss float64 `json:"train_loss"` // mean batch loss of the last epoch
	TestMSE   float64 `json:"test_mse"`
	// Optimum is the fraction of OptimumInstances random instances on
	// which the net, applied item after item to its own output like the
	// compiled DP-NN, decodes the exact optimum (max p with f[p] <= 1);
	// nil for points trained before dp2nn measured it.
	Optimum *float64 `json:"optimum,omitempty"`
	Seconds float64  `json:"seconds"`
}

// OptimumInstances is the number of instances of WidthPoint.Optimum.
const OptimumInstances = 1000

// OptimumRate runs net (trained for p*) as an RNN cell over n instances
// drawn as instance.AppendixD draws them from seed and returns the
// fraction on which it decodes the optimum the DP decodes: the largest
// p with f[p] <= 1 after the last item (0 if none).
func OptimumRate(net *train.Net, pstar, n int, seed uint64) float64 {
	rng := instance.NewRand(seed)
	var profits []int
	var sizes []float64
	var pts []float64
	scratch := make([]float64, pstar)
	x, y := make([]float64, pstar+2), make([]float64, pstar)
	decode := func(f []float64) int {
		for p := pstar; p >= 1; p-- {
			if f[p-1] <= 1 {
				return p
			}
		}
		return 0
	}
	exact := 0
	for range n {
		profits, sizes = instance.AppendixDItems(rng, pstar, profits, sizes)
		pts = AppendKnapsackPoints(pts[:0], profits, sizes, pstar, scratch)
		for i := range pstar {
			y[i] = 2
		}
		for k, p := range profits {
			copy(x, y)
			x[pstar], x[pstar+1] = float64(p), sizes[k]
			net.Predict(x, 1, y)
		}
		if decode(y) == decode(pts[len(pts)-pstar:]) {
			exact++
		}
	}
	return float64(exact) / float64(n)
}

// Key names what a point's result depends on besides p* and w: the seed,
// the protocol and the data stream (not the threshold, so a run at
// another threshold reuses the points it shares).
func (c WidthConfig) Key() string {
	p := c.Protocol
	key := fmt.Sprintf("v1 seed=%d batch=%d epoch=%d maxepochs=%d patience=%d test=%d pool=%d",
		c.Seed, p.BatchSize, p.BatchesPerEpoch, p.MaxEpochs, p.Patience, p.TestBatches, c.Pool)
	if c.Generator != VerifiedGenerator {
		key += " gen=" + c.Generator.String()
	}
	return key
}

// Check reports settings the study cannot run.
func (c WidthConfig) Check() error {
	if len(c.PStars) == 0 {
		return fmt.Errorf("no p* values")
	}
	for _, p := range c.PStars {
		if p < 2 || p > MaxWidthPStar {
			return fmt.Errorf("p* = %d outside 2..%d", p, MaxWidthPStar)
		}
	}
	if !(c.Threshold > 0) || math.IsInf(c.Threshold, 0) {
		return fmt.Errorf("threshold %v is not a positive number", c.Threshold)
	}
	if c.WStep < 1 || c.WMax < c.WStep || c.WMax > MaxWidth {
		return fmt.Errorf("widths %d, %d, ... up to %d: want 1 <= step <= max <= %d", c.WStep, 2*c.WStep, c.WMax, MaxWidth)
	}
	if c.Pool < 1 {
		return fmt.Errorf("shuffle buffer %d", c.Pool)
	}
	if c.Generator != VerifiedGenerator && c.Generator != PaperGenerator {
		return fmt.Errorf("unknown generator %d", c.Generator)
	}
	if err := c.Protocol.Check(); err != nil {
		return err
	}
	if m := c.Memory(); m > MaxWidthMemory {
		return fmt.Errorf("the largest nets and data streams need about %d MiB (%d workers), more than %d MiB: fewer p* values in parallel (workers), a smaller -wmax, -pool or p*", m>>20, c.workers(), MaxWidthMemory>>20)
	}
	a := widthArch(slices.Max(c.PStars), c.WMax)
	if n := a.Params(); n > train.MaxParams {
		return fmt.Errorf("p* = %d at width %d has %d parameters, more than %d", slices.Max(c.PStars), c.WMax, n, train.MaxParams)
	}
	return nil
}

// MaxWidthMemory bounds Memory.
const MaxWidthMemory = 4 << 30

func (c WidthConfig) workers() int {
	if c.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return c.Workers
}

// Memory is the cost model of a run: per worker, the two data streams'
// shuffle buffers and the largest net's parameters, gradient and Adam
// moments, and the batch workspace, in bytes.
func (c WidthConfig) Memory() int64 {
	p := int64(slices.Max(c.PStars))
	a := widthArch(int(p), c.WMax)
	stream := int64(c.Pool) * (2*p + 2) * 8
	net := int64(a.Params())*4*8 + 2*int64(c.Protocol.BatchSize)*int64(a.Hidden*a.Width+a.Out+a.In)*8
	return int64(min(c.workers(), len(c.PStars))) * (2*stream + net)
}

func widthArch(pstar, w int) train.Arch {
	return train.Arch{In: pstar + 2, Width: w, Hidden: 3, Out: pstar}
}

// pointSeed derives the seeds of one (p*, w) from the study's seed, like
// the paper's 257·p* + w, mixed (splitmix64) so that neighbours differ.
func pointSeed(seed uint64, pstar, w int, stream uint64) uint64 {
	z := seed*0x9e3779b97f4a7c15 + uint64(257*pstar+w)*0xbf58476d1ce4e5b9 + stream*0x94d049bb133111eb
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// TrainWidthPoint trains and tests the net of Appendix D for p* and
// width w: its own training and test streams and initial weights, all
// from seed.
func TrainWidthPoint(c WidthConfig, pstar, w int) WidthPoint {
	pt, _ := trainWidthNet(c, pstar, w)
	return pt
}

// trainWidthNet is TrainWidthPoint, also returning the trained net.
func trainWidthNet(c WidthConfig, pstar, w int) (WidthPoint, *train.Net) {
	start := time.Now()
	net, err := train.New(widthArch(pstar, w), train.NewRand(pointSeed(c.Seed, pstar, w, 0)))
	if err != nil {
		panic(err) // Check bounded the architecture
	}
	tr := train.NewTrainer(net, c.Protocol.BatchSize, train.DefaultAdam())
	res := train.Fit(tr, NewKnapsackStreamOf(pstar, pointSeed(c.Seed, pstar, w, 1), c.Pool, c.Generator),
		NewKnapsackStreamOf(pstar, pointSeed(c.Seed, pstar, w, 2), c.Pool, c.Generator), c.Protocol, nil)
	rate := OptimumRate(net, pstar, OptimumInstances, pointSeed(c.Seed, pstar, w, 3))
	pt := WidthPoint{Key: c.Key(), PStar: pstar, Width: w, Epochs: res.Epochs, Stopped: res.Stopped, Optimum: &rate,
		TrainLoss: res.TrainLoss[len(res.TrainLoss)-1], TestMSE: res.TestMSE, Seconds: time.Since(start).Seconds()}
	if !finite(pt.TestMSE) || !finite(pt.TrainLoss) {
		// JSON has no NaN or Inf: a diverged net is the largest float.
		pt.Stopped, pt.TestMSE, pt.TrainLoss = "diverged", math.MaxFloat64, math.MaxFloat64
	}
	return pt, net
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// WidthRow is the search at one p*.
type WidthRow struct {
	PStar    int `json:"pstar"`
	Required int `json:"required"` // smallest width reaching the threshold; 0 if none up to WMax
	// TestMSE and Epochs are the required width's (else the widest
	// tried's).
	TestMSE  float64      `json:"test_mse"`
	Epochs   int          `json:"epochs"`
	Tried    []WidthPoint `json:"tried"`
	Compiled int          `json:"compiled"` // the widest layer of the compiled DP-NN
	Seconds  float64      `json:"seconds"`  // training time of the tried widths (reused ones included)
}

// QuadraticFit is width = A[0] + A[1]·p* + A[2]·p*² by least squares.
type QuadraticFit struct {
	A  [3]float64 `json:"a"`
	SE [3]float64 `json:"se"`
	// P2 is the two-sided p-value of the t-test of a2 = 0 (n−3 degrees
	// of freedom), the paper's test.
	P2 float64 `json:"p_a2"`
	R2 float64 `json:"r2"`
	N  int     `json:"n"`
}

// PowerFit is log width = log C + K·log p* by least squares.
type PowerFit struct {
	K, SE, C float64
	// PLinear is the two-sided p-value of the t-test of K = 1 (linear
	// growth), n−2 degrees of freedom.
	PLinear float64 `json:"p_k1"`
	R2      float64 `json:"r2"`
	N       int     `json:"n"`
}

// WidthReport is the study's result.
type WidthReport struct {
	PStars    []int          `json:"pstars"`
	Threshold float64        `json:"threshold"`
	WStep     int            `json:"wstep"`
	WMax      int            `json:"wmax"`
	Seed      uint64         `json:"seed"`
	Protocol  train.Protocol `json:"protocol"`
	Pool      int            `json:"pool"`
	Generator string         `json:"generator"` // "dp2nn" or "paper"
	Workers   int            `json:"workers"`
	Rows      []WidthRow     `json:"rows"`
	Quadratic *QuadraticFit  `json:"quadratic,omitempty"` // nil below 4 reached p* values
	Power     *PowerFit      `json:"power,omitempty"`     // nil below 3
	Trained   int            `json:"trained"`             // points trained in this run
	Reused    int            `json:"reused"`              // points taken from Done
	Seconds   float64        `json:"seconds"`             // wall time of this run
	Paper     any            `json:"paper"`
}

// Width runs the study: the p* values in parallel (largest first), the
// widths of one p* in order until one reaches the threshold.
func Width(c WidthConfig) (*WidthReport, error) {
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("study width: %v", err)
	}
	start := time.Now()
	compiled := map[int]int{}
	for _, p := range c.PStars {
		w, err := compiledWidth(p)
		if err != nil {
			return nil, fmt.Errorf("study width: the compiled DP-NN at p* = %d: %v", p, err)
		}
		compiled[p] = w
	}
	key := c.Key()
	done := map[[2]int]WidthPoint{}
	for _, p := range c.Done {
		if p.Key != key {
			return nil, fmt.Errorf("study width: an earlier point (p* = %d, w = %d) was made with other settings (%s, not %s)", p.PStar, p.Width, p.Key, key)
		}
		done[[2]int{p.PStar, p.Width}] = p
	}
	workers := c.workers()
	rep := &WidthReport{PStars: c.PStars, Threshold: c.Threshold, WStep: c.WStep, WMax: c.WMax, Seed: c.Seed,
		Protocol: c.Protocol, Pool: c.Pool, Generator: c.Generator.String(), Workers: workers, Paper: PaperWidthStudy}
	order := slices.Clone(c.PStars)
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(b, a) })
	rows := map[int]*WidthRow{}
	var (
		mu    sync.Mutex
		first error
		next  int
		wg    sync.WaitGroup
	)
	for range min(workers, len(order)) {
		wg.Go(func() {
			for {
				mu.Lock()
				if first != nil || next == len(order) {
					mu.Unlock()
					return
				}
				pstar := order[next]
				next++
				mu.Unlock()
				row := &WidthRow{PStar: pstar}
				for w := c.WStep; w <= c.WMax; w += c.WStep {
					mu.Lock()
					pt, ok := done[[2]int{pstar, w}]
					stop := first != nil
					mu.Unlock()
					if stop {
						return
					}
					if ok {
						mu.Lock()
						rep.Reused++
						mu.Unlock()
					} else {
						pt = TrainWidthPoint(c, pstar, w)
						mu.Lock()
						rep.Trained++
						var err error
						if c.OnPoint != nil {
							err = c.OnPoint(pt)
						}
						if err != nil && first == nil {
							first = err
						}
						mu.Unlock()
						if err != nil {
							return
						}
					}
					row.Tried = append(row.Tried, pt)
					row.Seconds += pt.Seconds
					row.TestMSE, row.Epochs = pt.TestMSE, pt.Epochs
					if pt.TestMSE <= c.Threshold {
						row.Required = w
						break
					}
				}
				mu.Lock()
				rows[pstar] = row
				mu.Unlock()
				if c.OnPStar != nil {
					c.OnPStar(pstar)
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	for _, p := range c.PStars {
		row := rows[p]
		row.Compiled = compiled[p]
		rep.Rows = append(rep.Rows, *row)
	}
	slices.SortFunc(rep.Rows, func(a, b WidthRow) int { return cmp.Compare(a.PStar, b.PStar) })
	var xs, ys []float64
	for _, r := range rep.Rows {
		if r.Required > 0 {
			xs, ys = append(xs, float64(r.PStar)), append(ys, float64(r.Required))
		}
	}
	rep.Quadratic = fitQuadratic(xs, ys)
	rep.Power = fitPower(xs, ys)
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

// compiledWidth is the widest hidden layer of the DP-NN that compile
// builds from examples/knapsack.dp at pmax = p*, from its cost model
// (compile.Estimate, exact): p*(p*−1)/2 from p* = 5 on, 2p* below.
func compiledWidth(pstar int) (int, error) {
	m, err := problems.Case{Program: "examples/knapsack.dp", Params: map[string]int64{"pmax": int64(pstar)}}.Model()
	if err != nil {
		return 0, err
	}
	cost, err := compile.Estimate(m, compile.Options{}, compile.Job{DType: "float64"}, compile.Limits{})
	if err != nil {
		return 0, err
	}
	if len(cost.Widths) == 0 {
		return 0, fmt.Errorf("no hidden layer")
	}
	return int(slices.Max(cost.Widths)), nil
}

// ols fits y = X·b by least squares (QR) and returns b, the standard
// errors of b and R².
func ols(X *mat.Dense, y []float64) (b, se []float64, r2 float64, ok bool) {
	n, k := X.Dims()
	if n <= k {
		return nil, nil, 0, false
	}
	var qr mat.QR
	qr.Factorize(X)
	var bv mat.Dense
	if err := qr.SolveTo(&bv, false, mat.NewDense(n, 1, y)); err != nil {
		return nil, nil, 0, false
	}
	b = make([]float64, k)
	for i := range b {
		b[i] = bv.At(i, 0)
	}
	var fit mat.VecDense
	fit.MulVec(X, mat.NewVecDense(k, b))
	var mean, rss, tss float64
	for _, v := range y {
		mean += v / float64(n)
	}
	for i, v := range y {
		rss += (v - fit.AtVec(i)) * (v - fit.AtVec(i))
		tss += (v - mean) * (v - mean)
	}
	s2 := rss / float64(n-k)
	var xtx, inv mat.Dense
	xtx.Mul(X.T(), X)
	if err := inv.Inverse(&xtx); err != nil {
		return nil, nil, 0, false
	}
	se = make([]float64, k)
	for i := range se {
		se[i] = math.Sqrt(s2 * inv.At(i, i))
	}
	if tss > 0 {
		r2 = 1 - rss/tss
	}
	return b, se, r2, true
}

// twoSided is the two-sided p-value of t with df degrees of freedom.
func twoSided(t float64, df int) float64 {
	if math.IsNaN(t) {
		return math.NaN()
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Survival(math.Abs(t))
}

func fitQuadratic(xs, ys []float64) *QuadraticFit {
	n := len(xs)
	if n < 4 {
		return nil
	}
	X := mat.NewDense(n, 3, nil)
	for i, x := range xs {
		X.SetRow(i, []float64{1, x, x * x})
	}
	b, se, r2, ok := ols(X, ys)
	if !ok {
		return nil
	}
	f := &QuadraticFit{R2: r2, N: n}
	copy(f.A[:], b)
	copy(f.SE[:], se)
	f.P2 = twoSided(b[2]/se[2], n-3)
	return f
}

func fitPower(xs, ys []float64) *PowerFit {
	n := len(xs)
	if n < 3 {
		return nil
	}
	X := mat.NewDense(n, 2, nil)
	ly := make([]float64, n)
	for i, x := range xs {
		X.SetRow(i, []float64{1, math.Log(x)})
		ly[i] = math.Log(ys[i])
	}
	b, se, r2, ok := ols(X, ly)
	if !ok {
		return nil
	}
	return &PowerFit{K: b[1], SE: se[1], C: math.Exp(b[0]), PLinear: twoSided((b[1]-1)/se[1], n-2), R2: r2, N: n}
}

// Eval is the fitted width at p*.
func (f *QuadraticFit) Eval(p float64) float64 { return f.A[0] + f.A[1]*p + f.A[2]*p*p }

func (r WidthRow) requiredText(wmax int) string {
	if r.Required == 0 {
		return fmt.Sprintf("> %d", wmax)
	}
	return fmt.Sprint(r.Required)
}

// optimumText is the required width's (else the widest tried's) rate of
// exact optima.
func (r WidthRow) optimumText() string {
	if len(r.Tried) == 0 || r.Tried[len(r.Tried)-1].Optimum == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100**r.Tried[len(r.Tried)-1].Optimum)
}

func (r WidthRow) triedText() string {
	var parts []string
	for _, p := range r.Tried {
		parts = append(parts, fmt.Sprintf("%d:%.4f", p.Width, p.TestMSE))
	}
	return strings.Join(parts, " ")
}

// describe is the settings line and the fits, for both text and markdown.
func (rep *WidthReport) describe() []string {
	p := rep.Protocol
	lines := []string{fmt.Sprintf("threshold %g, widths %d, %d, ... up to %d, seed %d; batches of %d, epochs of %d batches, stop after %d epochs without a lower training loss (at most %d), test on %d batches; shuffle buffer %d points",
		rep.Threshold, rep.WStep, 2*rep.WStep, rep.WMax, rep.Seed, p.BatchSize, p.BatchesPerEpoch, p.Patience, p.MaxEpochs, p.TestBatches, rep.Pool)}
	if rep.Generator == PaperGenerator.String() {
		lines[0] += "; the paper's instance generator (items larger than the capacity kept)"
	}
	if q := rep.Quadratic; q != nil {
		lines = append(lines, fmt.Sprintf("width = %.4g + %.4g·p* + %.4g·p*² (se %.3g, %.3g, %.3g), R² = %.3f, n = %d; t-test of a2 = 0: p = %.3g (the paper: %.3g at threshold 0.005 on p* = 3..75)",
			q.A[0], q.A[1], q.A[2], q.SE[0], q.SE[1], q.SE[2], q.R2, q.N, q.P2, PaperWidthStudy.PValues["0.005"]))
	} else {
		lines = append(lines, "no quadratic fit: fewer than 4 p* values reached the threshold")
	}
	if f := rep.Power; f != nil {
		lines = append(lines, fmt.Sprintf("width ≈ %.3g·p*^%.2f (se %.2f), R² = %.3f; t-test of exponent 1 (linear): p = %.3g", f.C, f.K, f.SE, f.R2, f.PLinear))
	}
	lines = append(lines, fmt.Sprintf("%d nets trained, %d reused, %.0f s wall on %d workers", rep.Trained, rep.Reused, rep.Seconds, rep.Workers))
	return lines
}

// WriteText prints the table and the fits.
func (rep *WidthReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%4s  %8s  %9s  %6s  %7s  %8s  %7s  %s\n", "p*", "required", "test MSE", "epochs", "optimum", "compiled", "train s", "tried (width:test MSE)")
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "%4d  %8s  %9.5f  %6d  %7s  %8d  %7.0f  %s\n", r.PStar, r.requiredText(rep.WMax), r.TestMSE, r.Epochs, r.optimumText(), r.Compiled, r.Seconds, r.triedText())
	}
	for _, l := range rep.describe() {
		fmt.Fprintln(w, l)
	}
}

// WriteMarkdown prints the table and the fits as markdown.
func (rep *WidthReport) WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| p* | required width | test MSE | epochs | exact optima | compiled DP-NN widest layer | training s | tried (width: test MSE) |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|:---|")
	for _, r := range rep.Rows {
		fmt.Fprintf(w, "| %d | %s | %.5f | %d | %s | %d | %.0f | %s |\n", r.PStar, r.requiredText(rep.WMax), r.TestMSE, r.Epochs, r.optimumText(), r.Compiled, r.Seconds, r.triedText())
	}
	fmt.Fprintln(w)
	for _, l := range rep.describe() {
		fmt.Fprintf(w, "- %s\n", l)
	}
}

// ReadWidthPoints reads a results file of the study: one WidthPoint as
// JSON per line (blank lines skipped). name is the file's name in errors,
// which give its line.
func ReadWidthPoints(r io.Reader, name string) ([]WidthPoint, error) {
	var out []WidthPoint
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var p WidthPoint
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("%s:%d: not a result of the width study: %v", name, line, err)
		}
		if p.Key == "" || p.PStar < 2 || p.Width < 1 || p.Epochs < 1 || !(p.TestMSE >= 0) || math.IsInf(p.TestMSE, 0) {
			return nil, fmt.Errorf("%s:%d: not a result of the width study: key %q, p* %d, width %d, epochs %d, test MSE %v", name, line, p.Key, p.PStar, p.Width, p.Epochs, p.TestMSE)
		}
		if p.Optimum != nil && !(*p.Optimum >= 0 && *p.Optimum <= 1) {
			return nil, fmt.Errorf("%s:%d: not a result of the width study: optimum rate %v outside 0..1", name, line, *p.Optimum)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", name, line+1, err)
	}
	return out, nil
}
