package smooth

import "github.com/dp2nn/dp2nn/diag"

// maxErrors is the most errors a validation reports; past it the rest are
// usually more of the same (a whole row of NaN scores).
const maxErrors = 10

// Error is one bad argument: its Pos names the argument the way the
// caller wrote it ("gamma", "Weights[3]", "theta[2][5]"), see diag.Arg.
type Error = diag.Error

// ErrorList is every bad argument of one call, in argument order
// (diag.ErrorList).
type ErrorList = diag.ErrorList

// addArg appends an error about arg, dropping it past maxErrors.
func addArg(l *ErrorList, arg, format string, args ...any) {
	if len(*l) < maxErrors {
		l.Addf(diag.Arg(arg), format, args...)
	}
}
