// Package diag is dp2nn's one error type for user mistakes, after
// go/scanner's ErrorList: an Error is a position and a message, and an
// ErrorList collects every error of one call, sorted by position, so that
// the command line reports all of them at once, each as
// "file:line:col: message".
//
// A Pos names a place in a file (a DSL program, an instance) or, for an
// API call, the argument at fault (Arg("gamma")). The DSL parser and
// checker, the instance readers and the smoothed-DP kernels all report
// their errors as an ErrorList. Bytes and Thousands print the sizes
// those messages quote ("3.4 MiB", "1,234,567"), one way for every
// package, the ground truth's included.
//
//	var errs diag.ErrorList
//	errs.Addf(diag.Pos{File: "k.txt", Line: 3, Col: 1}, "capacity %d must be positive", c)
//	errs.Addf(diag.Arg("gamma"), "is %v, want > 0", gamma)
//	if err := errs.Err(); err != nil {
//		return err // "k.txt:3:1: capacity 0 must be positive\ngamma: is -1, want > 0"
//	}
package diag
