package dsl

// Inspect calls fn for e and, while fn returns true, for its
// subexpressions in source order (nil e: nothing), as Check walks them.
func Inspect(e Expr, fn func(Expr) bool) { inspect(e, fn) }
