// Package dsl parses and checks dp2nn programs: dynamic programs over
// state arrays, written in a small language, that compile/ turns into
// ReLU networks.
//
// A program declares compile-time params, per-step inputs (or
// per-instance data and a fixed number of steps), state arrays with a
// value range and an initial value, boundary lines giving the value of
// reads outside a state's index range, one step per state, and an answer.
// Every step reads the previous step's state, so all cells update at
// once:
//
//	dp knapsack
//	param pmax int = 10
//	input profit int in 1..pmax
//	input size real in 0..1
//	state f[p in 1..pmax] real in 0..2 = 2
//	f[p <= 0] = 0
//	step f[p] = min(f[p], f[p - profit] + size)
//	answer max p where f[p] <= 1
//
// Steps may also use static conditionals (if i == j then 0 else inf),
// reductions (min(u in 1..n: d[u] + c[u, v])), Iverson brackets
// ([x[i] == y[j]]), subsets dimensions with set expressions, and values
// that may be +inf ("or inf").
//
// Parse builds the syntax tree (File) with a position on every node.
// Check resolves names, binds params, infers int/real types, checks that
// every index is affine (index variables with integer coefficients,
// ±integer inputs or data, integer constants) and that every read outside
// a state's index range is covered by a boundary line — in each branch of
// an if, on the cells that take the branch (a union of boxes, one
// interval per index variable and closed difference bounds between them:
// narrow.go) — and computes by
// interval arithmetic the range [Lo, Hi] of every term (and whether it
// may be +inf), which must fit the declared value range of the state it
// updates — step by step for a program with a steps line. The result is
// a Model, the input of compile/ and verify/:
//
//	f, err := dsl.Parse("knapsack.dp", src)
//	if err != nil {
//		return err // an ErrorList: file:line:col: message, sorted
//	}
//	m, err := dsl.Check(f, map[string]int64{"pmax": 50})
//	if err != nil {
//		return err
//	}
//	for _, s := range m.States {
//		fmt.Println(s.Name, s.Cells(), s.Body.Text, s.Body.Lo, s.Body.Hi)
//	}
//
// User mistakes come back as an ErrorList of every error, sorted by
// position; nothing in this package panics on bad input. Dump prints a
// File or Model as indented text for golden tests. The language reference
// is docs/dsl.md.
package dsl
