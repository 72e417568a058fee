package export

import (
	"fmt"
	"strings"

	"github.com/dp2nn/dp2nn/relu"
)

// A source is a tensor that neurons read: an input block (ids
// 0..len(Inputs)-1) or a hidden layer l (id len(Inputs)+l-1).
//
// A target is a tensor that one application of the layout computes: a
// hidden layer, or one output block of the last layer.
type target struct {
	name    string // "L2" for hidden layers, the block name for outputs
	label   string // node name stem: "L2/select f[p - profit]", "out f"
	doc     string // the groups of the target, for node doc strings
	lo, hi  int    // neurons
	layer   int
	output  int // output block index, -1 for hidden layers
	sources []int
}

// cellPlan is the layer structure of a relu graph, shared by the layouts.
type cellPlan struct {
	g       *relu.Graph
	depth   int
	layerLo []int   // layerLo[l] is the first neuron of layer l (1..depth+1)
	inBlock []int32 // input block of each input unit
	targets []target
}

func newCellPlan(g *relu.Graph) *cellPlan {
	p := &cellPlan{g: g, depth: g.Depth()}
	p.inBlock = make([]int32, g.NumInputs)
	for i, b := range g.Inputs {
		for u := b.Start; u < b.Start+b.Len; u++ {
			p.inBlock[u] = int32(i)
		}
	}
	p.layerLo = make([]int, p.depth+2)
	for l := 1; l <= p.depth+1; l++ {
		p.layerLo[l] = p.layerLo[l-1]
		for p.layerLo[l] < g.NumNeurons() && int(g.Layer[p.layerLo[l]]) < l {
			p.layerLo[l]++
		}
	}
	for l := 1; l < p.depth; l++ {
		name := fmt.Sprintf("L%d", l)
		lo, hi := p.layerLo[l], p.layerLo[l+1]
		p.targets = append(p.targets, target{
			name: name, label: name + "/" + groupLabel(g, lo, hi), doc: groupDoc(g, lo, hi),
			lo: lo, hi: hi, layer: l, output: -1,
		})
	}
	for i, b := range g.Outputs {
		p.targets = append(p.targets, target{
			name: b.Name, label: "out " + b.Name, doc: groupDoc(g, b.Start, b.Start+b.Len),
			lo: b.Start, hi: b.Start + b.Len, layer: p.depth, output: i,
		})
	}
	for i := range p.targets {
		t := &p.targets[i]
		seen := map[int]bool{}
		for j := t.lo; j < t.hi; j++ {
			for r := g.RowStart[j]; r < g.RowStart[j+1]; r++ {
				s, _ := p.source(g.Src[r])
				seen[s] = true
			}
		}
		for s := 0; s < p.numSources(); s++ {
			if seen[s] {
				t.sources = append(t.sources, s)
			}
		}
	}
	return p
}

func (p *cellPlan) numSources() int { return len(p.g.Inputs) + p.depth - 1 }

// source returns the source holding unit u and u's index in it (in neuron
// order; the structured layout permutes hidden layers on top of that).
func (p *cellPlan) source(u relu.Unit) (int, int) {
	g := p.g
	if int(u) < g.NumInputs {
		i := p.inBlock[u]
		return int(i), int(u) - g.Inputs[i].Start
	}
	j := int(u) - g.NumInputs
	l := int(g.Layer[j])
	return len(g.Inputs) + l - 1, j - p.layerLo[l]
}

// sourceLen is the number of values of source s.
func (p *cellPlan) sourceLen(s int) int {
	if s < len(p.g.Inputs) {
		return p.g.Inputs[s].Len
	}
	l := s - len(p.g.Inputs) + 1
	return p.layerLo[l+1] - p.layerLo[l]
}

// sourceName is the tensor stem of source s ("L2" or the input block name).
func (p *cellPlan) sourceName(s int) string {
	if s < len(p.g.Inputs) {
		return p.g.Inputs[s].Name
	}
	return fmt.Sprintf("L%d", s-len(p.g.Inputs)+1)
}

// fallbackSource is the source that a target without any weight reads with
// zero weights, to get the batch dimension: the first nonempty input block.
func (p *cellPlan) fallbackSource() (int, bool) {
	for i, b := range p.g.Inputs {
		if b.Len > 0 {
			return i, true
		}
	}
	return 0, false
}

// groupLabel names the neurons lo..hi-1 after their groups, short enough
// for a node name.
func groupLabel(g *relu.Graph, lo, hi int) string {
	var names []string
	seen := map[string]bool{}
	for j := lo; j < hi; {
		gr := g.GroupOf(j)
		if gr == nil {
			break
		}
		if !seen[gr.Name] {
			seen[gr.Name] = true
			names = append(names, gr.Name)
		}
		j = gr.Start + gr.Len
	}
	switch {
	case len(names) == 0:
		return "neurons"
	case len(names) == 1:
		return names[0]
	case len(names) == 2 && len(names[0])+len(names[1]) < 60:
		return names[0] + ", " + names[1]
	default:
		return fmt.Sprintf("%s +%d groups", names[0], len(names)-1)
	}
}

// maxDocGroups bounds the groups listed in one doc string, so that huge
// graphs keep readable (and small) node docs.
const maxDocGroups = 40

// groupDoc lists the groups of neurons lo..hi-1 with the rule and DSL term
// each came from.
func groupDoc(g *relu.Graph, lo, hi int) string {
	var sb strings.Builder
	n := 0
	for j := lo; j < hi; {
		gr := g.GroupOf(j)
		if gr == nil {
			break
		}
		end := min(gr.Start+gr.Len, hi)
		if n == maxDocGroups {
			fmt.Fprintf(&sb, "neurons %d-%d: further groups\n", j, hi-1)
			break
		}
		fmt.Fprintf(&sb, "neurons %d-%d: %s", j, end-1, gr.Name)
		if gr.Rule != "" {
			fmt.Fprintf(&sb, " (rule %s", gr.Rule)
			if gr.Term != "" {
				fmt.Fprintf(&sb, ", term %s", gr.Term)
			}
			if gr.Pos != "" {
				fmt.Fprintf(&sb, ", at %s", gr.Pos)
			}
			sb.WriteString(")")
		}
		sb.WriteString("\n")
		n++
		j = end
	}
	return strings.TrimSuffix(sb.String(), "\n")
}
