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
// option's, as p[3j+i] (j = 0..3): the three vectors permuted so that
// each output vector is a blend of the three.
//
//	a' = a0 a3 a2 a1, b' = b1 b0 b3 b2, c' = c2 c1 c0 c3
//	p[0:4] = a0 b0 c0 a1 = a'0 b'1 c'2 a'3
//	p[4:8] = b1 c1 a2 b2 = b'0 c'1 a'2 b'3
//	p[8:12] = c2 a3 b3 c3 = c'0 a'1 b'2 c'3
func storeInterleaved(p Mem, q [3]VecVirtual) {
	ap, bp, cp := YMM(), YMM(), YMM()
	VPERMPD(U8(perms[0]), q[0], ap)
	VPERMPD(U8(perms[1]), q[1], bp)
	VPERMPD(U8(perms[2]), q[2], cp)
	perm := [3]VecVirtual{ap, bp, cp}
	for j := range 3 {
		o := YMM()
		VBLENDPD(U8(0b0010), perm[(j+1)%3], perm[j], o)
		VBLENDPD(U8(0b0100), perm[(j+2)%3], o, o)
		VMOVUPD(o, p.Offset(32*j))
	}
}

// perms are the lane orders of storeInterleaved (each its own inverse).
var perms = [3]uint8{0<<0 | 3<<2 | 2<<4 | 1<<6, 1<<0 | 0<<2 | 3<<4 | 2<<6, 2<<0 | 1<<2 | 0<<4 | 3<<6}
