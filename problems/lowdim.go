package problems

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/repo"
)

// LowDimInstance is one of the instances under testdata/lowdim with its
// known optimum from testdata/lowdim/optima.txt.
type LowDimInstance struct {
	*instance.Instance
	Optimum int64
}

// ProfitSum is the sum of the instance's profits: the pmax that Params
// picks for knapsack.dp, and so the width of its state.
func (in LowDimInstance) ProfitSum() int64 {
	var s int64
	for _, step := range in.Steps {
		s += int64(step["profit"])
	}
	return s
}

// LowDim reads every instance under testdata/lowdim (sorted by name) with
// its optimum; an instance without a known optimum is an error.
func LowDim() ([]LowDimInstance, error) {
	dir, err := repo.RepoPath("testdata/lowdim")
	if err != nil {
		return nil, err
	}
	optima, err := instance.ReadOptima(filepath.Join(dir, "optima.txt"))
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out []LowDimInstance
	for _, f := range files {
		if filepath.Base(f) == "optima.txt" {
			continue
		}
		in, err := instance.ReadInstanceFile(f)
		if err != nil {
			return nil, err
		}
		in.Source = "testdata/lowdim/" + filepath.Base(f) // no machine path in messages
		opt, ok := optima[in.Name]
		if !ok {
			return nil, fmt.Errorf("%s: no optimum for %s in optima.txt", in.Source, strings.TrimSuffix(filepath.Base(f), ".txt"))
		}
		out = append(out, LowDimInstance{Instance: in, Optimum: opt})
	}
	return out, nil
}
