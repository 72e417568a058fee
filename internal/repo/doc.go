// Package repo finds files of the dp2nn repository (examples/, testdata/)
// from any package's tests and commands run inside the module: RepoRoot is
// the directory of dp2nn's go.mod, RepoPath joins a slash path to it and
// ReadProgram parses a .dp file named relative to it, so that positions in
// messages name the file as the repository does, not by a machine path.
//
//	f, err := repo.ReadProgram("examples/knapsack.dp")
package repo
