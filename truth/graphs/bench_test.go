package graphs

import (
	"fmt"
	"path/filepath"
	"testing"
)

func BenchmarkHeldKarp(b *testing.B) {
	for _, n := range []int{12, 15} {
		c := RandomATSP(NewRand(uint64(n)), n, 1000)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := HeldKarp(c, hkBudget); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAllPairs(b *testing.B) {
	const n = 200
	g := RandomDigraph(NewRand(1), DigraphSpec{N: n, Density: 0.3, MaxCost: 100, Potential: 50})
	b.Run(fmt.Sprintf("FloydWarshall/n=%d", n), func(b *testing.B) {
		for b.Loop() {
			if _, _, err := FloydWarshall(g); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("MinPlusSquaring/n=%d", n), func(b *testing.B) {
		for b.Loop() {
			if _, _, err := MinPlusSquaring(g); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkConstrainedRCSP1(b *testing.B) {
	p, err := ReadRCSPFile(filepath.Join(graphsDir, "rcsp1.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("LengthTable", func(b *testing.B) {
		for b.Loop() {
			if _, err := LengthTable(p.Graph, p.Source, 151); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ConstrainedPath", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := ConstrainedPath(p.Graph, p.Source, p.Target, p.Limit, 151); err != nil {
				b.Fatal(err)
			}
		}
	})
}
