package sensitivity

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// ErrEmpty is returned for an instance without items: its average
// sensitivity (a mean over the deleted item) is undefined.
var ErrEmpty = errors.New("sensitivity: the instance has no items, so there is no item to delete")

// Distribution is a probability distribution over item sets, keyed by
// Key(set).
type Distribution map[string]float64

// Key encodes an ascending index list: "1,4,7"; "" is the empty set.
func Key(set []int) string {
	var b strings.Builder
	for k, i := range set {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

// Set decodes a Key.
func Set(key string) []int {
	if key == "" {
		return nil
	}
	var out []int
	for _, f := range strings.Split(key, ",") {
		i, err := strconv.Atoi(f)
		if err != nil {
			panic("sensitivity: bad set key " + key)
		}
		out = append(out, i)
	}
	return out
}

// Add adds probability p to set.
func (d Distribution) Add(set []int, p float64) { d[Key(set)] += p }

// Mean is the expectation of f over d.
func (d Distribution) Mean(f func(set []int) float64) float64 {
	var s float64
	for _, k := range slices.Sorted(maps.Keys(d)) {
		s += d[k] * f(Set(k))
	}
	return s
}

// EMD is the earth mover's distance between p and q with the Hamming
// distance as the ground metric: the least mean |A Δ B| over couplings of
// p and q, solved exactly as a transportation linear program (gonum's
// simplex). It is for tests and small supports (|p|·|q| ≤ 40000 pairs);
// masses below 1e-12 are dropped and both are renormalised.
func EMD(p, q Distribution) (float64, error) {
	ps, qs := support(p), support(q)
	if len(ps) == 0 || len(qs) == 0 {
		return 0, fmt.Errorf("sensitivity: EMD of an empty distribution")
	}
	if len(ps)*len(qs) > 40000 {
		return 0, fmt.Errorf("sensitivity: EMD of supports %d×%d is too large for the exact LP", len(ps), len(qs))
	}
	if len(ps) == 1 || len(qs) == 1 { // the only coupling is the product
		var s float64
		for _, a := range ps {
			for _, b := range qs {
				s += a.p * b.p * float64(Hamming(a.set, b.set))
			}
		}
		return s, nil
	}
	// Variables x[a][b] ≥ 0; rows Σ_b x[a][b] = p_a for every a, and
	// Σ_a x[a][b] = q_b for every b but the last (implied: full row rank).
	nv := len(ps) * len(qs)
	rows := len(ps) + len(qs) - 1
	A := mat.NewDense(rows, nv, nil)
	b := make([]float64, rows)
	c := make([]float64, nv)
	for a := range ps {
		b[a] = ps[a].p
		for k := range qs {
			v := a*len(qs) + k
			c[v] = float64(Hamming(ps[a].set, qs[k].set))
			A.Set(a, v, 1)
			if k < len(qs)-1 {
				A.Set(len(ps)+k, v, 1)
			}
		}
	}
	for k := range len(qs) - 1 {
		b[len(ps)+k] = qs[k].p
	}
	opt, _, err := lp.Simplex(c, A, b, 1e-12, nil)
	if err != nil {
		return 0, fmt.Errorf("sensitivity: EMD: %v", err)
	}
	return opt, nil
}

type mass struct {
	set []int
	p   float64
}

func support(d Distribution) []mass {
	var out []mass
	var total float64
	for _, k := range slices.Sorted(maps.Keys(d)) {
		if d[k] > 1e-12 {
			out = append(out, mass{Set(k), d[k]})
			total += d[k]
		}
	}
	for i := range out {
		out[i].p /= total
	}
	return out
}
