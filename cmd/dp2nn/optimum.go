package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/dp2nn/dp2nn/instance"
	"github.com/dp2nn/dp2nn/internal/progress"
	"github.com/dp2nn/dp2nn/verify"
)

func init() {
	flagSets["optimum"] = func() *flag.FlagSet { fs, _ := optimumFlags(); return fs }
}

type optimumOpts struct {
	instance, method *string
	json, quiet      *bool
}

func optimumFlags() (*flag.FlagSet, *optimumOpts) {
	o := &optimumOpts{}
	fs := flag.NewFlagSet("optimum", flag.ContinueOnError)
	o.instance = fs.String("instance", "", "knapsack instance file (text: n, n lines \"profit weight\", capacity; or JSON with \"capacity\" and \"items\"), or a directory: every *.txt and *.json in it but optima.txt, in name order")
	o.method = fs.String("method", "auto", "exact method: "+strings.Join(verify.OptimumMethods, ", ")+"; auto lets the method chooser (knapsack.Solve) pick the cheapest")
	o.json = fs.Bool("json", false, "print one JSON object per line and instance (time_ms, items numbered from 1)")
	o.quiet = fs.Bool("quiet", false, "no progress on stderr")
	return fs, o
}

// runOptimum is "dp2nn optimum": the exact optimum of knapsack instances,
// with the items, the method and the time.
func runOptimum(args []string, stdout, stderr io.Writer) error {
	fs, o := optimumFlags()
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return userErrorf("optimum: unexpected argument %q (give the instance with -instance FILE|DIR)", pos[0])
	}
	if *o.instance == "" {
		return userErrorf("optimum: missing -instance FILE|DIR")
	}
	if !slices.Contains(verify.OptimumMethods, *o.method) {
		return userErrorf("optimum: unknown -method %q (want %s)", *o.method, strings.Join(verify.OptimumMethods, ", "))
	}
	st, err := os.Stat(*o.instance)
	if err != nil {
		return userErrorf("optimum: -instance: %v", err)
	}
	files := []string{*o.instance}
	if st.IsDir() {
		if files, err = instance.Files(*o.instance); err != nil {
			return userErrorf("optimum: -instance: %v", err)
		}
		if len(files) == 0 {
			return userErrorf("optimum: no instance files (*.txt, *.json) in %s", *o.instance)
		}
	}
	var bar *progress.Bar
	var spin *progress.Elapsed
	if st.IsDir() {
		bar = progress.New(stderr, "optimum", len(files), progress.Options{Quiet: *o.quiet})
	} else {
		spin = progress.NewElapsed(stderr, "optimum: solving "+*o.instance, progress.Options{Quiet: *o.quiet})
	}
	enc := json.NewEncoder(stdout)
	var failed []string
	for _, f := range files {
		r, err := verify.OptimumFile(f, *o.method)
		bar.Add(1) // nil-safe: one bar or one spinner
		spin.Stop()
		spin = nil
		if err != nil {
			if !st.IsDir() {
				return &userError{"optimum: " + err.Error()}
			}
			failed = append(failed, err.Error())
			if *o.json {
				if err := enc.Encode(map[string]string{"instance": instance.NameOf(f), "source": f, "error": err.Error()}); err != nil {
					return err
				}
			}
			continue
		}
		if *o.json {
			if err := enc.Encode(r); err != nil {
				return err
			}
			continue
		}
		r.WriteText(stdout)
	}
	bar.Finish()
	if len(failed) > 0 {
		return &userError{fmt.Sprintf("optimum: %d of %d instances failed:\n%s", len(failed), len(files), strings.Join(failed, "\n"))}
	}
	return nil
}
