// Package doctest holds no code: its test runs every command that
// README.md and docs/*.md show, so that the documentation stays true to
// the program.
//
// A command is a line of a code block whose info string is "sh" (the
// blocks a reader copies into a shell). The test builds dp2nn once and
// runs each block's lines in order, in a scratch directory that links the
// repository's examples/, testdata/, scripts/, docs/ and cmd/ (for its
// test data), with "dp2nn" and "go run ./cmd/dp2nn" both meaning the
// fresh binary. A command must exit
// 0 unless its line ends in a comment "# exit N"; output that reports
// mismatches must report zero of them. Blocks tagged "sh long" (the
// benchmarks of docs/performance.md, the long studies) run only with
// -long, which scripts/long.sh passes. scripts/test.sh, the command that
// runs this test, is not run by it.
package doctest
