// Package examples holds dp2nn's example programs (the .dp files of this
// directory) embedded in the binary, so that the problem table can match
// a user's program to them wherever dp2nn runs, not only inside the
// repository.
//
//	src, err := examples.FS.ReadFile("knapsack.dp")
package examples

import "embed"

// FS holds every .dp file of examples/.
//
//go:embed *.dp
var FS embed.FS
