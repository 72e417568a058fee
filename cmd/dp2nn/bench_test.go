package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/dp2nn/dp2nn/internal/repo"
)

// BenchmarkCompileExportKnapsack1000 is the whole "dp2nn compile" of the
// DP-NN at p* = 1000 in the structured layout: parse, check, lower
// (502,500 hidden neurons), export and write the file atomically. It
// reports the file size.
func BenchmarkCompileExportKnapsack1000(b *testing.B) {
	root, err := repo.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "k.onnx")
	args := []string{"compile", filepath.Join(root, "examples", "knapsack.dp"), "-set", "pmax=1000", "-layout", "structured", "-o", out}
	for b.Loop() {
		if code := run(args, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
	fi, err := os.Stat(out)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/1e6, "MB")
}

// BenchmarkSolveF1 is "dp2nn solve" of the lowdim instance f1 (10 items,
// p* = 412 chosen automatically: 85,902 hidden neurons) in float64.
func BenchmarkSolveF1(b *testing.B) {
	root, err := repo.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	args := []string{"solve", filepath.Join(root, "examples", "knapsack.dp"), "-instance", filepath.Join(root, "testdata", "lowdim", "f1_l-d_kp_10_269.txt")}
	for b.Loop() {
		if code := run(args, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
