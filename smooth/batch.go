package smooth

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// tablesPool recycles Tables between batch calls; ForwardInto grows a
// recycled Tables to whatever problem it meets.
var tablesPool = sync.Pool{New: func() any { return new(Tables) }}

// MarginalsBatch runs Forward and Marginals for every row of theta
// ([batch][n] scores) and returns the values and the relaxed selections.
// Rows run in parallel on GOMAXPROCS goroutines, each reusing one Tables,
// so memory stays at GOMAXPROCS tables whatever the batch size. values and
// y are reused when they have the right shape (len(theta) values; rows of
// length n), else allocated. Errors name the row: "theta[3][5]".
func (p *Problem) MarginalsBatch(reg Reg, gamma float64, theta [][]float64, values []float64, y [][]float64) ([]float64, [][]float64, error) {
	if err := p.validateBatch(reg, gamma, "theta", theta, "", nil); err != nil {
		return nil, nil, err
	}
	values = grow(values, len(theta))
	y = shapeRows(y, len(theta), len(p.Weights))
	err := parallel(len(theta), func(t *Tables, b int) error {
		forwardValidated(p, t, reg, gamma, theta[b])
		values[b] = t.Value()
		return t.MarginalsInto(y[b])
	})
	if err != nil {
		return nil, nil, err
	}
	return values, y, nil
}

// VJPBatch returns, for every row b, zᵀ·∂y/∂θ at θ = theta[b] with
// cotangent z[b] (Tables.VJP), running rows in parallel like
// MarginalsBatch. out is reused when it has the right shape.
func (p *Problem) VJPBatch(reg Reg, gamma float64, theta, z, out [][]float64) ([][]float64, error) {
	if err := p.validateBatch(reg, gamma, "theta", theta, "z", z); err != nil {
		return nil, err
	}
	out = shapeRows(out, len(theta), len(p.Weights))
	err := parallel(len(theta), func(t *Tables, b int) error {
		forwardValidated(p, t, reg, gamma, theta[b])
		return t.VJPInto(out[b], z[b])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validateBatch checks the problem and every row of x (and of y when
// yname is not empty, which must then have as many rows as x).
func (p *Problem) validateBatch(reg Reg, gamma float64, xname string, x [][]float64, yname string, y [][]float64) error {
	var errs ErrorList
	p.validateRun(&errs, reg, gamma)
	if len(errs) > 0 {
		return errs
	}
	n := len(p.Weights)
	for b, row := range x {
		name := fmt.Sprintf("%s[%d]", xname, b)
		before := len(errs)
		validateVector(&errs, name, row, n)
		if len(errs) == before {
			validateScale(&errs, name, row, gamma)
		}
	}
	if yname != "" {
		if len(y) != len(x) {
			addArg(&errs, yname, "has %d rows, want %d (one per row of %s)", len(y), len(x), xname)
		} else {
			for b, row := range y {
				validateVector(&errs, fmt.Sprintf("%s[%d]", yname, b), row, n)
			}
		}
	}
	return errs.Err()
}

// forwardValidated runs a forward pass on a row that validateBatch accepted.
func forwardValidated(p *Problem, t *Tables, reg Reg, gamma float64, theta []float64) {
	if err := p.ForwardInto(t, reg, gamma, theta); err != nil {
		panic("smooth: batch row failed after validation: " + err.Error())
	}
}

// shapeRows returns rows reused as [batch][n] when it has that shape, or a
// new [batch][n] backed by one allocation.
func shapeRows(rows [][]float64, batch, n int) [][]float64 {
	if len(rows) == batch {
		ok := true
		for _, r := range rows {
			ok = ok && len(r) == n
		}
		if ok {
			return rows
		}
	}
	all := make([]float64, batch*n)
	rows = make([][]float64, batch)
	for b := range rows {
		rows[b] = all[b*n : (b+1)*n : (b+1)*n]
	}
	return rows
}

// parallel calls f(t, b) for b = 0..batch−1 on min(GOMAXPROCS, batch)
// goroutines that take rows from a shared counter; t is the goroutine's
// own Tables. It returns the error of the lowest failing row.
func parallel(batch int, f func(t *Tables, b int) error) error {
	workers := min(runtime.GOMAXPROCS(0), batch)
	errs := make([]error, batch)
	var next atomic.Int64
	work := func() {
		t := tablesPool.Get().(*Tables)
		defer tablesPool.Put(t)
		for {
			b := int(next.Add(1) - 1)
			if b >= batch {
				return
			}
			errs[b] = f(t, b)
		}
	}
	if workers <= 1 {
		work()
	} else {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(work)
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
