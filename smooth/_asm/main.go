// Command _asm generates smooth's AVX2 kernels (graphkern_amd64.s and
// its Go declarations graphkern_amd64.go) with avo. Run it through
// `go generate ./smooth`; the generated files are committed, so building
// dp2nn needs neither avo nor this module.
//
// Each kernel is the operation-for-operation vector form of a scalar
// kernel in smooth/graphkern.go (gini3sGo, tsallis3sGo), four nodes at a
// time: the same IEEE operations (no fused multiply-add) in the same
// order, so that their results are equal (TestKernelsAVX2MatchGo).
package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// kernel is a three-option sparse max: its threshold τ from the sorted
// options' gaps, and its value term from the probabilities.
type kernel struct {
	name, doc string
	// tau writes the threshold of the sorted gaps z2 ≥ z3 (z1 = 0).
	tau func(k *consts, z2, z3, tau VecVirtual)
	// prob returns the probability of an option from its shifted score
	// s = max(x·scale − τ, 0), and the term it adds to the value's
	// regulariser sum (q·s for Tsallis, q·q for Gini).
	prob func(s VecVirtual) (q, term VecVirtual)
	// reg turns the regulariser sum into the value's last term (before the
	// product by coef).
	reg func(k *consts, sum VecVirtual) VecVirtual
}

// consts are the kernel's constants, broadcast in registers.
type consts struct {
	scale, coef, zero, one, negOne VecVirtual
	half, three                    Mem
}

func main() {
	ConstraintExpr("amd64,!purego")
	half := vec("half", 0.5)
	three := vec("three", 3)
	for _, k := range []kernel{
		{
			name: "gini3AVX2",
			doc:  "gini3AVX2 is gini3sGo over len(v) nodes (a multiple of 4), with scale = 1/γ and coef = 0.5·γ.",
			tau: func(k *consts, z2, z3, tau VecVirtual) {
				t2, t3 := YMM(), YMM()
				VSUBPD(k.one, z2, t2) // (z2 − 1)/2
				VMULPD(k.half, t2, t2)
				VADDPD(z3, z2, t3) // (z2 + z3 − 1)/3
				VSUBPD(k.one, t3, t3)
				VDIVPD(k.three, t3, t3)
				choose(k, z2, z3, t2, t3, tau)
			},
			prob: func(s VecVirtual) (q, term VecVirtual) {
				term = YMM()
				VMULPD(s, s, term)
				return s, term
			},
			reg: func(k *consts, sum VecVirtual) VecVirtual {
				r := YMM()
				VSUBPD(sum, k.one, r) // 1 − Σq²
				return r
			},
		},
		{
			name: "tsallis3AVX2",
			doc:  "tsallis3AVX2 is tsallis3sGo over len(v) nodes (a multiple of 4), with scale = 0.5/γ and coef = 4/3·γ.",
			tau: func(k *consts, z2, z3, tau VecVirtual) {
				// entThreshold(z2, z2², 2) and entThreshold(z2+z3, z2²+z3², 3)
				s2, t2, d := YMM(), YMM(), YMM()
				VMULPD(z2, z2, s2)
				VMULPD(k.half, z2, t2) // mean = z2/2
				VADDPD(t2, t2, d)      // 2·mean·mean
				VMULPD(t2, d, d)
				VSUBPD(d, s2, d) // (1 − (s2 − …))/2
				VSUBPD(d, k.one, d)
				VMULPD(k.half, d, d)
				VMAXPD(k.zero, d, d)
				VSQRTPD(d, d)
				VSUBPD(d, t2, t2)
				s1, s3, t3 := YMM(), YMM(), YMM()
				VADDPD(z3, z2, s1)
				VMULPD(z3, z3, s3)
				VADDPD(s3, s2, s3)
				VDIVPD(k.three, s1, t3) // mean = s1/3
				VMULPD(k.three, t3, d)  // 3·mean·mean
				VMULPD(t3, d, d)
				VSUBPD(d, s3, d) // (1 − (s2 − …))/3
				VSUBPD(d, k.one, d)
				VDIVPD(k.three, d, d)
				VMAXPD(k.zero, d, d)
				VSQRTPD(d, d)
				VSUBPD(d, t3, t3)
				choose(k, z2, z3, t2, t3, tau)
			},
			prob: func(s VecVirtual) (q, term VecVirtual) {
				q, term = YMM(), YMM()
				VMULPD(s, s, q)
				VMULPD(s, q, term)
				return q, term
			},
			reg: func(k *consts, sum VecVirtual) VecVirtual {
				r := YMM()
				VSUBPD(sum, k.one, r) // relu(1 − Σq·s)
				VMAXPD(k.zero, r, r)
				return r
			},
		},
	} {
		k.generate(half, three)
	}
	shannonScaled()
	Generate()
}

// vec is a read-only 32-byte constant of four copies of x.
func vec(name string, x float64) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := range 4 {
		DATA(8*i, U64(math.Float64bits(x))) // the bits: avo v0.5.0 writes F64(x) as $(x), which the assembler did not read as x
	}
	return m
}

// choose sets tau to t3 when t3 < z3, else t2, when t2 < z2, else −1: the
// sign of the differences as the mask (smooth's below and selectMask).
func choose(k *consts, z2, z3, t2, t3, tau VecVirtual) {
	m2, m3 := YMM(), YMM()
	VSUBPD(z3, t3, m3)
	VBLENDVPD(m3, t3, t2, t3)
	VSUBPD(z2, t2, m2)
	VBLENDVPD(m2, t3, k.negOne, tau)
}

func (k kernel) generate(half, three Mem) {
	TEXT(k.name, NOSPLIT, "func(x0, x1, x2, v, p []float64, scale, coef float64)")
	Doc(k.doc)
	x := [3]Mem{}
	for i, name := range []string{"x0", "x1", "x2"} {
		x[i] = Mem{Base: Load(Param(name).Base(), GP64())}
	}
	v := Mem{Base: Load(Param("v").Base(), GP64())}
	p := Mem{Base: Load(Param("p").Base(), GP64())}
	n := Load(Param("v").Len(), GP64())
	c := &consts{scale: YMM(), coef: YMM(), zero: YMM(), one: YMM(), negOne: YMM(), half: half, three: three}
	for _, b := range []struct {
		name string
		dst  VecVirtual
	}{{"scale", c.scale}, {"coef", c.coef}} {
		r := Load(Param(b.name), XMM())
		VBROADCASTSD(r, b.dst)
	}
	VXORPD(c.zero, c.zero, c.zero)
	VMOVUPD(half, c.one) // 0.5 + 0.5
	VADDPD(c.one, c.one, c.one)
	VSUBPD(c.one, c.zero, c.negOne)
	SHRQ(U8(2), n)

	Label(k.name + "_loop")
	TESTQ(n, n)
	JZ(LabelRef(k.name + "_done"))
	// the options sorted by three compare-exchanges: mq ≥ md ≥ mn
	a, b, cc := YMM(), YMM(), YMM()
	VMOVUPD(x[0], a)
	VMOVUPD(x[1], b)
	VMOVUPD(x[2], cc)
	lo, hi := YMM(), YMM()
	VMINPD(b, a, lo)
	VMAXPD(b, a, hi)
	mq, t := YMM(), YMM()
	VMAXPD(cc, hi, mq)
	VMINPD(cc, hi, t)
	md, mn := YMM(), YMM()
	VMAXPD(t, lo, md)
	VMINPD(t, lo, mn)
	z2, z3 := YMM(), YMM()
	VSUBPD(mq, md, z2)
	VMULPD(c.scale, z2, z2)
	VSUBPD(mq, mn, z3)
	VMULPD(c.scale, z3, z3)
	tau := YMM()
	k.tau(c, z2, z3, tau)

	// the probabilities and the value: mq + Σ q·(x − mq) + coef·reg(Σ term)
	var q, d [3]VecVirtual
	var dot, sum VecVirtual
	for i := range 3 {
		d[i] = YMM()
		VMOVUPD(x[i], d[i])
		VSUBPD(mq, d[i], d[i])
		s := YMM()
		VMULPD(c.scale, d[i], s)
		VSUBPD(tau, s, s)
		VMAXPD(c.zero, s, s)
		var term VecVirtual
		q[i], term = k.prob(s)
		VMULPD(d[i], q[i], d[i])
		if i == 0 {
			dot, sum = d[i], term
			continue
		}
		VADDPD(d[i], dot, dot)
		VADDPD(term, sum, sum)
	}
	VADDPD(dot, mq, mq)
	r := k.reg(c, sum)
	VMULPD(r, c.coef, r)
	VADDPD(r, mq, mq)
	VMOVUPD(mq, v)
	storeInterleaved(p, q)

	for i := range 3 {
		ADDQ(U8(32), x[i].Base)
	}
	ADDQ(U8(32), v.Base)
	ADDQ(U8(96), p.Base)
	DECQ(n)
	JMP(LabelRef(k.name + "_loop"))
	Label(k.name + "_done")
	VZEROUPPER()
	RET()
}

// storeInterleaved writes the probabilities of four nodes, q[i] the i-th
// option's, as p[3j+i] (j = 0..3): the three vectors permuted in place so that
// each output vector is a blend of the three.
//
//	a' = a0 a3 a2 a1, b' = b1 b0 b3 b2, c' = c2 c1 c0 c3
//	p[0:4] = a0 b0 c0 a1 = a'0 b'1 c'2 a'3
//	p[4:8] = b1 c1 a2 b2 = b'0 c'1 a'2 b'3
//	p[8:12] = c2 a3 b3 c3 = c'0 a'1 b'2 c'3
func storeInterleaved(p Mem, q [3]VecVirtual) {
	perm := q // in place: the probabilities are not needed after
	for i := range 3 {
		VPERMPD(U8(perms[i]), q[i], perm[i])
	}
	for j := range 3 {
		o := YMM()
		VBLENDPD(U8(0b0010), perm[(j+1)%3], perm[j], o)
		VBLENDPD(U8(0b0100), perm[(j+2)%3], o, o)
		VMOVUPD(o, p.Offset(32*j))
	}
}

// perms are the lane orders of storeInterleaved (each its own inverse).
var perms = [3]uint8{0<<0 | 3<<2 | 2<<4 | 1<<6, 1<<0 | 0<<2 | 3<<4 | 2<<6, 2<<0 | 1<<2 | 0<<4 | 3<<6}

// vecU64 is a read-only 32-byte constant of four copies of x.
func vecU64(name string, x uint64) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := range 4 {
		DATA(8*i, U64(x))
	}
	return m
}

// shannonScaled generates shannonScaledAVX2, the common case of
// forwardScaledCompact's loop (three options, each multiplying by its
// source's scaled value, the node the sum times its bias) for a run whose
// options read consecutive slots, four nodes at a time.
func shannonScaled() {
	TEXT("shannonScaledAVX2", NOSPLIT, "func(sm []float64, se []int64, s0, s1, s2, b, db8 int, tt []uint16, tm *[3]float64, te *[3]int64, outm []float64, oute []int64, p []float64) bool")
	Doc("shannonScaledAVX2 is forwardScaledCompact's common loop over len(outm) nodes (a multiple of 4)",
		"whose options read sm[s_i+q], se[s_i+q] (q = 0, 1, …) and whose bias is sm[b+q·db], se[b+q·db] (db8 = 8·db),",
		"the tuple of node q's constants tm[2·tt[q]], te[2·tt[q]]; false when a node's exponent leaves ±scaledExpLimit.")
	c1023, one, negLimit := YMM(), YMM(), YMM()
	VMOVDQU(vecU64("c1023", 1023), c1023)
	VMOVUPD(vecU64("one", math.Float64bits(1)), one)
	lim := int64(1) << 55 // scaledExpLimit
	VMOVDQU(vecU64("neglimit", uint64(-lim)), negLimit)
	limit := vecU64("limit", uint64(lim))
	mant := vecU64("mantissa", 1<<52-1)
	oneBits := vecU64("onebits", 1023<<52)
	bad := YMM()
	VPXOR(bad, bad, bad)

	sm := Load(Param("sm").Base(), GP64())
	d := Load(Param("se").Base(), GP64()) // se − sm: an se slot is its sm slot's address plus d
	SUBQ(sm, d)
	var src [3]Register
	for i, name := range []string{"s0", "s1", "s2"} {
		src[i] = Load(Param(name), GP64())
		SHLQ(U8(3), src[i])
		ADDQ(sm, src[i])
	}
	pb := Load(Param("b"), GP64())
	SHLQ(U8(3), pb)
	ADDQ(sm, pb)
	db8, _ := Param("db8").Resolve()
	tt := Load(Param("tt").Base(), GP64())
	tm := Load(Param("tm"), GP64())
	te := Load(Param("te"), GP64())
	po := Load(Param("outm").Base(), GP64())
	do := Load(Param("oute").Base(), GP64()) // oute − outm
	SUBQ(po, do)
	pp := Mem{Base: Load(Param("p").Base(), GP64())}
	n := Load(Param("outm").Len(), GP64())
	SHRQ(U8(2), n)
	t := GP64()

	Label("shannonScaled_loop")
	TESTQ(n, n)
	JZ(LabelRef("shannonScaled_done"))
	// the constants of the four nodes' tuples, lane j from node j
	var cm, ce [3]VecVirtual
	var lo, hi [6]VecVirtual // lanes 0-1 and 2-3 of each constant
	for j := range 4 {
		MOVWQZX(Mem{Base: tt, Disp: 2 * j}, t)
		LEAQ(Mem{Base: t, Index: t, Scale: 2}, t) // 48·t: the row 2t of 24 bytes
		SHLQ(U8(4), t)
		for i := range 6 {
			base := tm
			if i >= 3 {
				base = te
			}
			m := Mem{Base: base, Index: t, Scale: 1, Disp: 8 * (i % 3)}
			half := &lo[i]
			if j >= 2 {
				half = &hi[i]
			}
			if j%2 == 0 {
				*half = YMM()
				VMOVSD(m, (*half).AsX())
			} else {
				VMOVHPD(m, (*half).AsX(), (*half).AsX())
			}
		}
	}
	for i := range 3 {
		cm[i], ce[i] = lo[i], lo[i+3]
		VINSERTF128(U8(1), hi[i].AsX(), cm[i], cm[i])
		VINSERTF128(U8(1), hi[i+3].AsX(), ce[i], ce[i])
	}
	// the options: cm·sm[s], ce + se[s]
	for i := range 3 {
		VMULPD(Mem{Base: src[i]}, cm[i], cm[i])
		VPADDQ(Mem{Base: src[i], Index: d, Scale: 1}, ce[i], ce[i])
	}
	emax, mk := YMM(), YMM()
	VPCMPGTQ(ce[1], ce[0], mk)
	VBLENDVPD(mk, ce[0], ce[1], emax)
	VPCMPGTQ(ce[2], emax, mk)
	VBLENDVPD(mk, emax, ce[2], emax)
	// m_i·2^−min(emax−e_i, 1023), their sum and the probabilities
	for i := range 3 {
		x := ce[i]
		VPSUBQ(ce[i], emax, x)
		VPCMPGTQ(c1023, x, mk)
		VBLENDVPD(mk, c1023, x, x)
		VPSUBQ(x, c1023, x)
		VPSLLQ(U8(52), x, x)
		VMULPD(x, cm[i], cm[i])
	}
	sum, rs := YMM(), YMM()
	VADDPD(cm[1], cm[0], sum)
	VADDPD(cm[2], sum, sum)
	VDIVPD(sum, one, rs)
	for i := range 3 {
		VMULPD(rs, cm[i], cm[i])
	}
	storeInterleaved(pp, cm)
	// the biases, lane j from node j: sm[b], se[b], b advancing by db
	var bm, be [2]VecVirtual
	for j := range 4 {
		h := j / 2
		if j%2 == 0 {
			bm[h], be[h] = YMM(), YMM()
			VMOVSD(Mem{Base: pb}, bm[h].AsX())
			VMOVSD(Mem{Base: pb, Index: d, Scale: 1}, be[h].AsX())
		} else {
			VMOVHPD(Mem{Base: pb}, bm[h].AsX(), bm[h].AsX())
			VMOVHPD(Mem{Base: pb, Index: d, Scale: 1}, be[h].AsX(), be[h].AsX())
		}
		ADDQ(db8.Addr, pb)
	}
	m, e := bm[0], be[0]
	VINSERTF128(U8(1), bm[1].AsX(), m, m)
	VINSERTF128(U8(1), be[1].AsX(), e, e)
	VMULPD(m, sum, m)
	VPADDQ(e, emax, e)
	// normalize: the mantissa in [1, 2), its exponent moved to e
	x := YMM()
	VPSRLQ(U8(52), m, x)
	VPADDQ(x, e, e)
	VPSUBQ(c1023, e, e)
	VPAND(mant, m, m)
	VPOR(oneBits, m, m)
	VPCMPGTQ(limit, e, x)
	VPOR(x, bad, bad)
	VPCMPGTQ(e, negLimit, x)
	VPOR(x, bad, bad)
	VMOVUPD(m, Mem{Base: po})
	VMOVDQU(e, Mem{Base: po, Index: do, Scale: 1})

	for i := range 3 {
		ADDQ(U8(32), src[i])
	}
	ADDQ(U8(8), tt)
	ADDQ(U8(32), po)
	ADDQ(U8(96), pp.Base)
	DECQ(n)
	JMP(LabelRef("shannonScaled_loop"))
	Label("shannonScaled_done")
	ok := GP8()
	VPTEST(bad, bad)
	SETEQ(ok)
	VZEROUPPER()
	Store(ok, ReturnIndex(0))
	RET()
}
