package cliflag_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dp2nn/dp2nn/internal/cliflag"
)

// FuzzRange: whatever the text, Range either refuses it or returns
// distinct values in lo..hi, increasing by one step when it is a range,
// and never panics or runs away.
func FuzzRange(f *testing.F) {
	for _, s := range []string{"3:30:3", "2:75", "9,3,4", "3:9:0", "1:2:3:4", "9:3", " 5 : 7 ", "-1:4", "x", "", "9223372036854775807:9223372036854775807"} {
		f.Add(s, 2, 75)
	}
	f.Fuzz(func(t *testing.T, s string, lo, hi int) {
		if hi-lo > 1<<20 || hi < lo { // the callers' bounds are small
			return
		}
		vs, err := cliflag.Range("-x", s, lo, hi)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "-x: ") {
				t.Fatalf("%q: error %q does not name the flag", s, err)
			}
			return
		}
		if len(vs) == 0 {
			t.Fatalf("%q: no values and no error", s)
		}
		for i, v := range vs {
			if v < lo || v > hi {
				t.Fatalf("%q: %d outside %d..%d", s, v, lo, hi)
			}
			if slices.Contains(vs[:i], v) {
				t.Fatalf("%q: %d twice", s, v)
			}
		}
		if strings.Contains(s, ":") {
			for i := 2; i < len(vs); i++ {
				if vs[i]-vs[i-1] != vs[1]-vs[0] || vs[1] <= vs[0] {
					t.Fatalf("%q: %v is not evenly stepped", s, vs)
				}
			}
		}
	})
}

// FuzzBytes: a size is positive and at most 2⁶², or refused.
func FuzzBytes(f *testing.F) {
	for _, s := range []string{"8GiB", "512 MiB", "1.5kB", "0", "NaN", "-3B", ".10", "0.9B", "1e300TiB", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := cliflag.Bytes(s)
		if err == nil && (v <= 0 || v > 1<<62) {
			t.Fatalf("%q: %d bytes accepted", s, v)
		}
	})
}

// FuzzParseSweep: a sweep has a name and 1..2·SweepPoints+1 increasing
// values in LO..LO+MaxSweep-1.
func FuzzParseSweep(f *testing.F) {
	for _, s := range []string{"n=2..12", "m,n=1..1001", "n=0..3", "n=9223372036854775800..9223372036854775807", "=..", "n=1..2..3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sw, err := cliflag.ParseSweep("-sweep", s)
		if err != nil {
			return
		}
		if sw.Name == "" || len(sw.Values) == 0 || len(sw.Values) > 2*cliflag.SweepPoints+1 {
			t.Fatalf("%q: %+v", s, sw)
		}
		for i, v := range sw.Values {
			if v < 1 || i > 0 && v <= sw.Values[i-1] || v-sw.Values[0] > cliflag.MaxSweep-1 {
				t.Fatalf("%q: values %v", s, sw.Values)
			}
		}
	})
}
