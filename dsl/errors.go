package dsl

import "github.com/dp2nn/dp2nn/diag"

// Error is a user error at a source position (diag.Error).
type Error = diag.Error

// ErrorList is a list of user errors (diag.ErrorList): Parse and Check
// return every error they find, sorted, as one.
type ErrorList = diag.ErrorList
