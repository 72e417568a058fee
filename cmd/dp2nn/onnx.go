package main

import (
	"flag"
	"io"

	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["compile"] = func() *flag.FlagSet { return flag.NewFlagSet("compile", flag.ContinueOnError) }
}

func runCompile(args []string, stdout io.Writer) error {
	return userErrorf("compile: ONNX export is not wired yet")
}

func verifyONNX(path string, o *verifyOpts, dtypes []verify.DType, stdout io.Writer) error {
	return userErrorf("verify: .onnx models are not supported yet")
}
