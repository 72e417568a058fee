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
	"fmt"
	"math"
	"strings"

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

// consts are the kernel's constants: in registers those that must be
// (a first source or a blend's other operand) or are used often, the rest
// as 32-byte memory operands, so that a kernel needs no more than the 16
// registers of AVX2.
type consts struct {
	scale, one, negOne VecVirtual
	zero, half, three  Mem
}

// cs are the kernels' constant vectors.
var cs struct{ zero, half, one, negOne, three Mem }

func main() {
	ConstraintExpr("amd64,!purego")
	cs.zero, cs.half, cs.one, cs.negOne, cs.three = vec("zero", 0), vec("half", 0.5), vec("one", 1), vec("negone", -1), vec("three", 3)
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
		k.generate(false)
		k.generate(true)
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

// generate writes the kernel over gathered options (x0, x1, x2) and, as
// <name>Run, the same fused with forwardCompact's gather and bias: the
// options sg·(c + vals[s_i+q]) of a run whose options read consecutive
// slots, c from node q's tuple ctv[tt[q]], and the node's value sg·v +
// vals[b+q·db].
func (k kernel) generate(fused bool) {
	name := k.name
	var x [3]Mem
	var v Mem
	var src [3]Register
	var pb, tt, ctv, t Register
	var db8 Mem
	if fused {
		name = strings.TrimSuffix(name, "AVX2") + "RunAVX2"
		TEXT(name, NOSPLIT, "func(vals []float64, s0, s1, s2, b, db8 int, tt []uint16, ctv *[3]float64, out, p []float64, sg, scale, coef float64)")
		Doc(fmt.Sprintf("%s is %s fused with forwardCompact's gather and bias: over len(out) nodes (a multiple of 4)", name, k.name),
			"whose options are sg·(ctv[tt[q]][i] + vals[s_i+q]) and whose values are sg·v + vals[b+q·db] (db8 = 8·db).")
		base := Load(Param("vals").Base(), GP64())
		for i, name := range []string{"s0", "s1", "s2"} {
			src[i] = Load(Param(name), GP64())
			SHLQ(U8(3), src[i])
			ADDQ(base, src[i])
		}
		pb = Load(Param("b"), GP64())
		SHLQ(U8(3), pb)
		ADDQ(base, pb)
		db8 = paramAddr("db8")
		tt = Load(Param("tt").Base(), GP64())
		ctv = Load(Param("ctv"), GP64())
		t = GP64()
		v = Mem{Base: Load(Param("out").Base(), GP64())}
		xs := AllocLocal(96) // the gathered options
		for i := range x {
			x[i] = xs.Offset(32 * i)
		}
	} else {
		TEXT(name, NOSPLIT, "func(x0, x1, x2, v, p []float64, scale, coef float64)")
		Doc(k.doc)
		for i, name := range []string{"x0", "x1", "x2"} {
			x[i] = Mem{Base: Load(Param(name).Base(), GP64())}
		}
		v = Mem{Base: Load(Param("v").Base(), GP64())}
	}
	p := Mem{Base: Load(Param("p").Base(), GP64())}
	n := Load(Param(map[bool]string{false: "v", true: "out"}[fused]).Len(), GP64())
	c := &consts{scale: YMM(), one: YMM(), negOne: YMM(), zero: cs.zero, half: cs.half, three: cs.three}
	VBROADCASTSD(Load(Param("scale"), XMM()), c.scale)
	VMOVUPD(cs.one, c.one)
	VMOVUPD(cs.negOne, c.negOne)
	SHRQ(U8(2), n)

	Label(name + "_loop")
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	if fused {
		// the options, lane j from node j: sg·(c_i + vals[s_i])
		c := gatherRows(tt, t, 3, ctv)[0]
		sg := YMM()
		VBROADCASTSD(paramAddr("sg"), sg)
		for i := range 3 {
			VADDPD(Mem{Base: src[i]}, c[i], c[i])
			VMULPD(c[i], sg, c[i])
			VMOVUPD(c[i], x[i])
		}
	}
	// the options sorted by three compare-exchanges: mq ≥ md ≥ mn
	a, b, cc := YMM(), YMM(), YMM()
	VMOVUPD(x[0], a)
	VMOVUPD(x[1], b)
	VMOVUPD(x[2], cc)
	lo, hi := YMM(), YMM()
	VMINPD(b, a, lo)
	VMAXPD(b, a, hi)
	mq, t2 := YMM(), YMM()
	VMAXPD(cc, hi, mq)
	VMINPD(cc, hi, t2)
	md, mn := YMM(), YMM()
	VMAXPD(t2, lo, md)
	VMINPD(t2, lo, mn)
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
	coef := YMM()
	VBROADCASTSD(paramAddr("coef"), coef)
	VMULPD(r, coef, r)
	VADDPD(r, mq, mq)
	if fused {
		// the value sg·v + vals[b], b advancing by db
		bias := gatherStrided(pb, db8, nil)[0]
		sg := YMM()
		VBROADCASTSD(paramAddr("sg"), sg)
		VMULPD(mq, sg, mq)
		VADDPD(bias, mq, mq)
	}
	VMOVUPD(mq, v)
	storeInterleaved(p, q)

	if fused {
		for i := range 3 {
			ADDQ(U8(32), src[i])
		}
		ADDQ(U8(8), tt)
	} else {
		for i := range 3 {
			ADDQ(U8(32), x[i].Base)
		}
	}
	ADDQ(U8(32), v.Base)
	ADDQ(U8(96), p.Base)
	DECQ(n)
	JMP(LabelRef(name + "_loop"))
	Label(name + "_done")
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
	VMOVUPD(cs.one, one)
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
	db8 := paramAddr("db8")
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
	rows := gatherRows(tt, t, 4, tm, te) // the row of the node's sign: 2t
	cm, ce := rows[0], rows[1]
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
	bias := gatherStrided(pb, db8, nil, d)
	m, e := bias[0], bias[1]
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

// gatherRows loads the rows of four nodes' tuples of constants, lane j
// from node j: for each base, the three float64 (or int64) at base +
// (3·tt[j] << shift) bytes (shift 3: rows of 24 bytes; 4: every other row).
// t is a scratch register.
func gatherRows(tt, t Register, shift uint8, bases ...Register) [][3]VecVirtual {
	lo := make([][3]VecVirtual, len(bases)) // lanes 0-1, then 2-3
	hi := make([][3]VecVirtual, len(bases))
	for j := range 4 {
		MOVWQZX(Mem{Base: tt, Disp: 2 * j}, t)
		LEAQ(Mem{Base: t, Index: t, Scale: 2}, t)
		SHLQ(U8(shift), t)
		for k, base := range bases {
			for i := range 3 {
				m := Mem{Base: base, Index: t, Scale: 1, Disp: 8 * i}
				half := &lo[k][i]
				if j >= 2 {
					half = &hi[k][i]
				}
				if j%2 == 0 {
					*half = YMM()
					VMOVSD(m, (*half).AsX())
				} else {
					VMOVHPD(m, (*half).AsX(), (*half).AsX())
				}
			}
		}
	}
	for k := range bases {
		for i := range 3 {
			VINSERTF128(U8(1), hi[k][i].AsX(), lo[k][i], lo[k][i])
		}
	}
	return lo
}

// gatherStrided loads four values a stride apart, lane j from node j: at
// p (advanced by the stride, a memory operand, after each node), and at p
// plus each index register (nil: p itself).
func gatherStrided(p Register, stride Mem, index ...Register) []VecVirtual {
	lo := make([]VecVirtual, len(index))
	hi := make([]VecVirtual, len(index))
	for j := range 4 {
		for k, ix := range index {
			m := Mem{Base: p}
			if ix != nil {
				m.Index, m.Scale = ix, 1
			}
			half := &lo[k]
			if j >= 2 {
				half = &hi[k]
			}
			if j%2 == 0 {
				*half = YMM()
				VMOVSD(m, (*half).AsX())
			} else {
				VMOVHPD(m, (*half).AsX(), (*half).AsX())
			}
		}
		ADDQ(stride, p)
	}
	for k := range index {
		VINSERTF128(U8(1), hi[k].AsX(), lo[k], lo[k])
	}
	return lo
}

// paramAddr is the memory operand of a scalar argument.
func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}
