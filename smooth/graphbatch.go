package smooth

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// GraphBatch evaluates many instances at once on GOMAXPROCS goroutines:
// instance b is the graph gs[b] at θ = thetas[b] (thetas nil, or a nil
// row: the graph's own Theta), and gets its output values and the
// marginals of the sum of its finite outputs (Marginals(nil)). The
// graphs may be of different programs or instances, or one graph
// repeated with different θ (scores learned by a model). Each goroutine
// reuses one GraphRun; the error is that of the lowest failing instance,
// named "instance b".
func GraphBatch(gs []*Graph, reg Reg, gamma float64, thetas [][]float64) (values, marginals [][]float64, err error) {
	if thetas != nil && len(thetas) != len(gs) {
		return nil, nil, fmt.Errorf("smooth: %d graphs but %d rows of θ", len(gs), len(thetas))
	}
	values = make([][]float64, len(gs))
	marginals = make([][]float64, len(gs))
	errs := make([]error, len(gs))
	var next atomic.Int64
	work := func() {
		r := new(GraphRun)
		for {
			b := int(next.Add(1) - 1)
			if b >= len(gs) {
				return
			}
			var theta []float64
			if thetas != nil {
				theta = thetas[b]
			}
			if err := gs[b].ForwardInto(r, reg, gamma, theta); err != nil {
				errs[b] = fmt.Errorf("instance %d: %w", b, err)
				continue
			}
			values[b] = r.Values()
			marginals[b], errs[b] = r.MarginalsInto(nil, nil)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(gs))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return values, marginals, nil
}
