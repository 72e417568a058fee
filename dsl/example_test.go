package dsl_test

import (
	"fmt"
	"os"

	"github.com/dp2nn/dp2nn/dsl"
)

const knapsack = `dp knapsack
param pmax int = 10
input profit int in 1..pmax
input size real in 0..1
state f[p in 1..pmax] real in 0..2 = 2
f[p <= 0] = 0
step f[p] = min(f[p], f[p - profit] + size)
answer max p where f[p] <= 1
`

func ExampleParse() {
	f, err := dsl.Parse("knapsack.dp", []byte(knapsack))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name.Name, len(f.Params), len(f.Inputs), len(f.States))
	fmt.Println(f.Steps[0].Pos(), f.Text(f.Steps[0].Body))
	// Output:
	// knapsack 1 2 1
	// knapsack.dp:7:1 min(f[p], f[p - profit] + size)
}

func ExampleCheck() {
	f, err := dsl.Parse("knapsack.dp", []byte(knapsack))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := m.States[0]
	fmt.Printf("%s has %d cells in [%g, %g]\n", s.Name, s.Cells(), s.Lo, s.Hi)
	fmt.Printf("%s: [%g, %g]\n", s.Body.Text, s.Body.Lo, s.Body.Hi)
	offset := s.Body.Args[1].Args[0] // f[p - profit]
	fmt.Printf("%s reads indices %d..%d\n", offset.Text, offset.Index[0].Lo, offset.Index[0].Hi)
	// Output:
	// f has 3 cells in [0, 2]
	// min(f[p], f[p - profit] + size): [0, 2]
	// f[p - profit] reads indices -2..2
}

func ExampleCheck_errors() {
	src := `dp bad
param pmax int
input size real in 0..1
input w int in 1..3
state f[p in 1..4] real in 0..1 = 1
step f[p] = f[p - size] + g[w]
`
	f, err := dsl.Parse("bad.dp", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = dsl.Check(f, nil)
	for _, e := range err.(dsl.ErrorList) {
		fmt.Println(e)
	}
	// Output:
	// bad.dp:2:1: param pmax has no value; set it with -set pmax=N
	// bad.dp:6:19: index offset needs a bounded integer input, but size is real
	// bad.dp:6:27: undeclared name g
}

func ExampleDump() {
	f, _ := dsl.Parse("x.dp", []byte("dp x\nanswer 2 * (1 + 3)\n"))
	m, _ := dsl.Check(f, nil)
	dsl.Dump(os.Stdout, f.Answer.Value)
	dsl.Dump(os.Stdout, m.Answer.Value)
	// Output:
	// Binary * @2:8-2:19 op@2:10
	//   Number 2 (int literal, value 2) @2:8-2:9
	//   Paren @2:12-2:19
	//     Binary + @2:13-2:18 op@2:15
	//       Number 1 (int literal, value 1) @2:13-2:14
	//       Number 3 (int literal, value 3) @2:17-2:18
	// const int [8, 8] 8 "2 * (1 + 3)" @2:8
}

// A program with data and a fixed number of steps: Bellman-Ford from
// vertex 1. The initial value depends on the cell, missing arcs are +inf,
// and the intervals come from the step-iterated analysis.
func ExampleCheck_steps() {
	const bellmanford = `dp bellmanford
param n int = 4
data c[u in 1..n, v in 1..n] int in -5..5 or inf
state d[v in 1..n] int in -20..20 or inf = if v == 1 then 0 else inf
steps n - 1
require fixpoint "a negative cycle is reachable"
step d[v] = min(d[v], min(u in 1..n: d[u] + c[u, v]))
answer d
`
	f, err := dsl.Parse("bf.dp", []byte(bellmanford))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := dsl.Check(f, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := m.States[0]
	fmt.Println("steps:", m.Steps, "then a fixpoint check:", m.Fixpoint.Msg)
	fmt.Println("initial values:", d.InitAt([]int{1}), d.InitAt([]int{2}))
	fmt.Printf("step: [%g, %g], may be inf: %v\n", d.Body.Lo, d.Body.Hi, d.Body.MayInf)
	red := d.Body.Args[1]
	fmt.Println(red.Kind, red.Var.Name, "over", red.Var.Lo, "..", red.Var.Hi)
	// Output:
	// steps: 3 then a fixpoint check: a negative cycle is reachable
	// initial values: 0 +Inf
	// step: [-20, 20], may be inf: true
	// reduce u over 1 .. 4
}

// A checked program's summary: what Check bound and derived.
func ExampleModel_WriteSummary() {
	f, err := dsl.Parse("knapsack.dp", []byte(knapsack))
	if err != nil {
		panic(err)
	}
	m, err := dsl.Check(f, map[string]int64{"pmax": 3})
	if err != nil {
		panic(err)
	}
	m.WriteSummary(os.Stdout)
	// Output:
	//   input profit int in 1..3
	//   input size real in 0..1
	//   state f[p in 1..3] real in 0..2, 3 cells, step value range 0..2
	//   answer max p where f[p] <= 1 (decoded outside the network)
}

// An interval split with no guard: the body of the max is read only for
// i < k < j, and the checker closes i − k <= −1 and k − j <= −1 into
// j − i >= 2, so x[j - i - 1] reads 1..4 and is in range. Where the
// domain is empty (j <= i + 1) the max is -inf, which clamp makes 0.
func ExampleCheck_closure() {
	src := `dp split
param n int = 6
data x[d in 1..n] int in 0..9
state t[i in 1..n, j in 1..n] int in 0..9 = 0
step t[i, j] = clamp(max(k in i + 1..j - 1: x[j - i - 1]), 0, 9)
`
	f, err := dsl.Parse("split.dp", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := dsl.Check(f, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var read func(t *dsl.Term) *dsl.Term // the first data read in t
	read = func(t *dsl.Term) *dsl.Term {
		if t.Kind == dsl.TData {
			return t
		}
		for _, a := range t.Args {
			if r := read(a); r != nil {
				return r
			}
		}
		return nil
	}
	x := read(m.States[0].Body)
	fmt.Printf("%s reads indices %d..%d\n", x.Text, x.Index[0].Lo, x.Index[0].Hi)
	// Output:
	// x[j - i - 1] reads indices 1..4
}
