package compile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dp2nn/dp2nn/compile"
	"github.com/dp2nn/dp2nn/dsl"
)

// longSum is a program whose step is clamp(f[i] + f[i] + ... (n terms),
// 0, 100000000) on a state of type typ, generated rather than kept as a
// file.
func longSum(n int, typ string) string {
	terms := make([]string, n)
	for k := range terms {
		terms[k] = "f[i]"
	}
	return fmt.Sprintf("dp s\nstate f[i in 1..2] %s in 0..100000000 = 1\nstep f[i] = clamp(%s, 0, 100000000)\nanswer f[1]\n", typ, strings.Join(terms, " + "))
}

func checkLongSum(tb testing.TB, n int, typ string) *dsl.Model {
	tb.Helper()
	f, err := dsl.Parse("sum.dp", []byte(longSum(n, typ)))
	require.NoError(tb, err)
	m, err := dsl.Check(f, nil)
	require.NoError(tb, err)
	return m
}

// LongSum: a sum of 20000 terms lowers (it took seconds when checking it
// was quadratic), and the float32 refusal of an integer sum of 1000 terms
// names the term's position and quotes it cut to about 80 characters.
func TestLongSum(t *testing.T) {
	m := checkLongSum(t, 20000, "real")
	require.Len(t, m.States[0].Body.Args[0].Args, 20000)
	_, err := compile.Lower(m, compile.Options{})
	require.NoError(t, err)

	net, err := compile.Lower(checkLongSum(t, 1000, "int"), compile.Options{})
	require.NoError(t, err)
	err = net.CheckIntegers(compile.Float32Roundoff, -1)
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "sum.dp:3:13: float32 cannot run s exactly: the network's sums for clamp(f[i] + f[i]"), msg)
	assert.Contains(t, msg, "… (sum.dp:3:13) may reach 1e+11")
	assert.Less(t, len(msg), 400, msg)
}

// BenchmarkLongSum parses, checks and lowers a step that is one sum of n
// terms: linear in n.
func BenchmarkLongSum(b *testing.B) {
	for _, n := range []int{1000, 16000, 50000} {
		src := []byte(longSum(n, "real"))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				f, err := dsl.Parse("sum.dp", src)
				if err != nil {
					b.Fatal(err)
				}
				m, err := dsl.Check(f, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := compile.Lower(m, compile.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
