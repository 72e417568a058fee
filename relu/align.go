package relu

// AlignGroups lifts every neuron of a group to the deepest layer any
// neuron of that group reached, and everything that depends on them along
// with it, until each group sits on one layer. One rule applied to all the
// cells of a state then computes them in lockstep, as the layered drawings
// of the DP-NN do: a cell whose inputs happen to be available early (say,
// one whose reads all fall on boundary constants) waits for its siblings
// instead of crowding an early layer. Lifting never moves a neuron below
// its sources, so the function is unchanged; depth grows only when an
// aligned group feeds a deeper chain.
//
// A group whose neurons feed each other (one rule applied step after step
// to the same term, in an unrolled network) cannot sit on one layer; then
// nothing is aligned and the layers stay as placed.
func (b *Builder) AlignGroups() {
	if b.count != nil {
		b.count.aligned = true // Shape places the groups
		return
	}
	floor := make([]int32, len(b.groups))
	asap := append([]int32(nil), b.layer...)
	for round := 0; ; round++ {
		if round > len(b.hidden)+1 {
			copy(b.layer, asap)
			break
		}
		for i, h := range b.hidden {
			l := floor[h.group]
			for _, t := range h.a.Terms {
				if int(t.Unit) >= b.numInputs {
					l = max(l, b.layer[int(t.Unit)-b.numInputs]+1)
				}
			}
			b.layer[i] = max(l, 1)
		}
		changed := false
		for i, h := range b.hidden {
			if b.layer[i] > floor[h.group] {
				floor[h.group] = b.layer[i]
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	b.maxLayer = 0
	for _, l := range b.layer {
		b.maxLayer = max(b.maxLayer, l)
	}
}
