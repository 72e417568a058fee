package dsl

import "github.com/dp2nn/dp2nn/diag"

// maxErrors is the most errors Parse or Check reports at once; past it
// the rest are usually consequences of the first ones.
const maxErrors = 10

// Error is a user error at a source position (diag.Error).
type Error = diag.Error

// ErrorList is a list of user errors (diag.ErrorList): Parse and Check
// return every error they find, sorted, as one.
type ErrorList = diag.ErrorList
