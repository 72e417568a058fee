package smooth

import "math"

// Shannon in scaled exponential form.
//
// For Shannon, V[i, c] = e^{v[i, c]/γ} obeys the plain sum-product
// recursion V[i, c] = V[i−1, c] + V[i−1, c−w_i]·e^{θ_i/γ}, and
// q[i, c] = (pick term)/V[i, c]. Held as ordinary floats these overflow,
// so each V is kept as a mantissa m ∈ [1, 2) and an int64 binary exponent
// e (V = m·2^e; V = 0, i.e. v = −∞, is m = 0). A cell then costs a few
// multiplications, one division and some integer work instead of an exp
// and a log1p, and loses nothing: V is carried to a relative precision of
// a few ulps, which is an absolute precision of a few ulps·γ on v, at
// least as good as the log domain, and q = B/(A+B) has no cancellation.
// The one approximation: a term smaller than 2^−1022 times the other is
// dropped, so a q below ≈ 1e−308 reads 0 (the log-domain kernel underflows
// at ≈ 5e−324).
//
// The exponents must stay far from int64 overflow and θ_i/γ must be exact
// enough to split into 2^k·e^r, so the scaled form is used when
// Σ|θ_i|/γ ≤ 2^50; beyond that (γ within a factor 2^50 of the scores'
// total, such as γ = 1e−300) the forward pass runs the log-domain kernels.

// scaledLimit bounds Σ|θ_i|/γ for the scaled form.
const scaledLimit = 0x1p50

func scalable(theta []float64, gamma float64) bool {
	s := 0.0
	for _, th := range theta {
		s += math.Abs(th)
	}
	return s/gamma <= scaledLimit
}

// scaledExp returns m·2^e = e^x for |x| ≤ 2^50, with m ∈ [1/√2, √2]:
// k = round(x/ln 2), r = x − k·ln 2 (Cody–Waite split, as in math.Exp),
// m = e^r.
func scaledExp(x float64) (m float64, e int64) {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
	)
	k := math.Round(x * math.Log2E)
	r := (x - k*ln2Hi) - k*ln2Lo
	return math.Exp(r), int64(k)
}

// scaledValue returns v = γ·log(m·2^e).
func scaledValue(m float64, e int64, gamma float64) float64 {
	if m == 0 {
		return negInf
	}
	return gamma * (math.Log(m) + float64(e)*math.Ln2)
}

const (
	mantissaBits = 1<<52 - 1
	oneBits      = 1023 << 52 // exponent field of [1, 2)
)

// normalize returns m·2^e with the mantissa brought into [1, 2); m > 0
// and normal.
func normalize(m float64, e int64) (float64, int64) {
	b := math.Float64bits(m)
	return math.Float64frombits(b&mantissaBits | oneBits), e + int64(b>>52) - 1023
}

// scaledAdd returns A + B (as mantissa, exponent) and q = B/(A+B) for
// nonzero normal mantissas (not necessarily normalised). scaledRow repeats
// these operations verbatim; the sign of d picks the larger exponent by a
// mask because it mispredicts as a branch.
func scaledAdd(ma float64, ea int64, mb float64, eb int64) (m float64, e int64, q float64) {
	d := ea - eb
	neg := d >> 63 // all ones when B has the larger exponent
	ad := (d ^ neg) - neg
	scale := math.Float64frombits(uint64(1023-min(ad, 1023)) << 52) // 2^−|d|, 0 past 2^−1022
	mask := uint64(neg)
	L := selectMask(mask, mb, ma)
	S := selectMask(mask, ma, mb) * scale
	sum := L + S
	q = selectMask(mask, L, S) / sum
	m, e = normalize(sum, ea+((eb-ea)&neg))
	return m, e, q
}

// selectMask returns ifSet where mask is all ones, ifClear where it is 0.
func selectMask(mask uint64, ifSet, ifClear float64) float64 {
	return math.Float64frombits(math.Float64bits(ifSet)&mask | math.Float64bits(ifClear)&^mask)
}

// forwardScaled is forward for Shannon in scaled form. fin plays the same
// role as in forwardRow: cells [w, fin) have two nonzero terms.
func (t *Tables) forwardScaled() {
	W := t.capacity + 1
	mprev, mcur := t.rows[0], t.rows[1]
	eprev, ecur := t.exps[0], t.exps[1]
	clear(eprev)
	for c := range mprev {
		mprev[c] = 1 // V[0, c] = e^0
		if t.kind == TopK && c > 0 {
			mprev[c] = 0 // V = 0: v = −∞
		}
	}
	fin := t.initFinite()
	for i, w := range t.weights {
		qi := t.q[i*W : (i+1)*W]
		mE, eE := scaledExp(t.theta[i] / t.gamma)
		k := min(w, W)
		copy(mcur[:k], mprev[:k])
		copy(ecur[:k], eprev[:k])
		clear(qi[:k])
		if k < fin {
			scaledRow(mcur[k:fin], ecur[k:fin], qi[k:fin], mprev[k:fin], eprev[k:fin], mprev[:fin-k], eprev[:fin-k], mE, eE)
		}
		for c := max(k, fin); c < W; c++ {
			ma, ea := mprev[c], eprev[c]
			mb, eb := mprev[c-w]*mE, eprev[c-w]+eE
			switch {
			case mb == 0: // only "skip" (or nothing) is feasible
				mcur[c], ecur[c], qi[c] = ma, ea, 0
			case ma == 0: // only "pick" is feasible
				mcur[c], ecur[c] = normalize(mb, eb)
				qi[c] = 1
			default:
				mcur[c], ecur[c], qi[c] = scaledAdd(ma, ea, mb, eb)
			}
		}
		fin = nextFinite(fin, w, W)
		mprev, mcur = mcur, mprev
		eprev, ecur = ecur, eprev
	}
	t.last, t.lastExp = mprev, eprev
	t.value = scaledValue(mprev[W-1], eprev[W-1], t.gamma)
}

// scaledRow is scaledAdd over a row: V = skip + pick·(mE·2^eE).
func scaledRow(m []float64, e []int64, q []float64, mskip []float64, eskip []int64, mpick []float64, epick []int64, mE float64, eE int64) {
	n := len(m)
	e, q, mskip, eskip, mpick, epick = e[:n], q[:n], mskip[:n], eskip[:n], mpick[:n], epick[:n]
	for c := range m {
		ma, ea := mskip[c], eskip[c]
		mb, eb := mpick[c]*mE, epick[c]+eE
		d := ea - eb
		neg := d >> 63
		ad := (d ^ neg) - neg
		scale := math.Float64frombits(uint64(1023-min(ad, 1023)) << 52)
		mask := uint64(neg)
		L := selectMask(mask, mb, ma)
		S := selectMask(mask, ma, mb) * scale
		sum := L + S
		q[c] = selectMask(mask, L, S) / sum
		b := math.Float64bits(sum)
		m[c] = math.Float64frombits(b&mantissaBits | oneBits)
		e[c] = ea + ((eb - ea) & neg) + int64(b>>52) - 1023
	}
}
