package sensitivity

import "slices"

// ConditionalValue is the exact mean value of the algorithm given the
// threshold τ of draw s: the exponential mechanism's mean over the
// buckets, and for each the greedy prefix's mean over c ∈ [1 − δ, 1]
// (a step function of c, integrated exactly). The reconstruction's
// guarantee is ConditionalValue ≥ (1 − ε)·OPT for every τ, so the study
// checks it draw by draw without sampling error.
func (k *KY) ConditionalValue(s int) float64 {
	var e float64
	k.conditional(k.whole, k.draw(s).tau, func(set []int, p float64) {
		e += p * float64(Profit(k.in, set))
	})
	return e
}

// conditional calls visit with every output the algorithm can give on v
// at threshold tau and its probability given tau.
func (k *KY) conditional(v *kyView, tau float64, visit func(set []int, p float64)) {
	if v.frac == 0 {
		visit(nil, 1)
		return
	}
	d := k.run(v, tau, 0, 1, nil)
	for n, b := range d.buckets {
		room := float64(k.in.Capacity - b.weight)
		// prefix m is taken for c in [w_m/room, w_{m+1}/room) ∩ [1−δ, 1].
		lo := 1 - k.delta
		for m := d.small.fit(lo * room); m <= len(d.small.items); m++ {
			hi := 1.0
			if m < len(d.small.items) && room > 0 {
				hi = min(1, float64(d.small.w[m+1])/room)
			}
			from := lo
			if m > 0 && room > 0 {
				from = max(lo, float64(d.small.w[m])/room)
			}
			if hi > from {
				set := append(slices.Clone(b.items), d.small.items[:m]...)
				slices.Sort(set)
				visit(set, d.pi[n]*(hi-from)/k.delta)
			}
			if hi >= 1 {
				break
			}
		}
	}
}

// distribution approximates the output distribution on v by the midpoint
// rule over q thresholds, each weighted 1/q; exact in the bucket and the
// greedy factor. For tests on tiny instances.
func (k *KY) distribution(v *kyView, q int) Distribution {
	out := Distribution{}
	if v.frac == 0 {
		out.Add(nil, 1)
		return out
	}
	lo := k.delta * v.frac
	for t := range q {
		tau := lo * (1 + (float64(t)+0.5)/float64(q))
		k.conditional(v, tau, func(set []int, p float64) { out.Add(set, p/float64(q)) })
	}
	return out
}
