package smooth

import "github.com/dp2nn/dp2nn/diag"

// Error is one bad argument: its Pos names the argument the way the
// caller wrote it ("gamma", "Weights[3]", "theta[2][5]"), see diag.Arg.
type Error = diag.Error

// ErrorList is every bad argument of one call, in argument order
// (diag.ErrorList).
type ErrorList = diag.ErrorList

// addArg appends an error about arg: every bad argument is reported.
func addArg(l *ErrorList, arg, format string, args ...any) {
	l.Addf(diag.Arg(arg), format, args...)
}
