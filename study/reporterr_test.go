package study_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dp2nn/dp2nn/study"
	"github.com/dp2nn/dp2nn/verify"
)

// A study whose guarantee failed is a mismatch (exit 1), counted.
func TestReportErr(t *testing.T) {
	var mm *verify.MismatchError
	assert.NoError(t, (&study.FPTASReport{}).Err())
	err := (&study.FPTASReport{Violations: 2}).Err()
	assert.True(t, errors.As(err, &mm))
	assert.EqualError(t, err, "2 violations of the guarantee (1 - n²/P)·OPT <= p_NN <= OPT")
	assert.NoError(t, (&study.SensitivityReport{}).Err())
	err = (&study.SensitivityReport{Violations: 1, SimpleViolations: 3}).Err()
	assert.True(t, errors.As(err, &mm))
	assert.EqualError(t, err, "1 draws of Kumabe–Yoshida with E[value | τ] < (1 − ε)·OPT")
	err = (&study.SensitivityReport{SimpleViolations: 3}).Err()
	assert.EqualError(t, err, "3 (instance, ε) of KY simple below (1 − ε)·OPT or above sensitivity 2 + 2/ε")
}

func TestWriteExported(t *testing.T) {
	rate := 0.973
	var b strings.Builder
	study.WidthPoint{PStar: 30, Width: 200, TestMSE: 0.00123, Epochs: 7, Seconds: 12.4, Optimum: &rate}.WriteExported(&b, "n.onnx")
	assert.Equal(t, "p* = 30, width 200: test MSE 0.00123 after 7 epochs (12 s); exact optima as an RNN cell 97.3% of 1000; wrote n.onnx\n", b.String())
}
