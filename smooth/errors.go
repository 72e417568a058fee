package smooth

import "fmt"

// maxErrors is the most errors a validation reports; past it the rest are
// usually more of the same (a whole row of NaN scores).
const maxErrors = 10

// Error is one bad argument: Arg names it the way the caller wrote it
// ("gamma", "Weights[3]", "theta[2][5]").
type Error struct {
	Arg string
	Msg string
}

// Error prints "smoothdp: arg: message".
func (e *Error) Error() string { return "smoothdp: " + e.Arg + ": " + e.Msg }

// ErrorList is every bad argument of one call, in argument order. The zero
// value is an empty list ready to use.
type ErrorList []*Error

// Add appends an error about arg, dropping it past maxErrors.
func (l *ErrorList) Add(arg, format string, args ...any) {
	if len(*l) < maxErrors {
		*l = append(*l, &Error{Arg: arg, Msg: fmt.Sprintf(format, args...)})
	}
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error prints the first error and how many more there are.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	case 2:
		return fmt.Sprintf("%s (and 1 more error)", l[0])
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}
