// Package cliflag parses the command line's flags beyond what package
// flag does: flags after positional arguments, the set of flags given,
// refusal of flags that do not apply, and the values of list flags
// (integers, names, ranges, numbers, sweeps, params and sizes), each
// error naming the flag and the value.
//
// It knows no command and no algorithm: dp2nn's commands (cmd/dp2nn)
// and the studies' settings (study.FPTASFlags and the like) use it.
//
//	fs := flag.NewFlagSet("study fptas", flag.ContinueOnError)
//	per := fs.Int("per", 8, "instances per family")
//	pos, err := cliflag.Parse(fs, os.Args[1:])
//	...
//	err = cliflag.Refuse("study", cliflag.Given(fs),
//		cliflag.Rule{Flag: "per", OK: generated, Why: "-per counts generated instances"})
//	ns, err := cliflag.IntList("-n", "10,30,100", 1, 1000)
//
// Errors are user errors: the caller prefixes its command's name and
// exits with the code for bad input.
package cliflag
