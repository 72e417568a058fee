package cliflag_test

import (
	"flag"
	"fmt"

	"github.com/dp2nn/dp2nn/internal/cliflag"
)

func Example() {
	fs := flag.NewFlagSet("study", flag.ContinueOnError)
	ns := fs.String("n", "10,30", "numbers of items")
	per := fs.Int("per", 8, "instances per family and n")
	pos, err := cliflag.Parse(fs, []string{"extra", "-n", "10,20,40", "-per", "3"})
	fmt.Println(pos, err)

	generated := false // say -families left only files
	err = cliflag.Refuse("study", cliflag.Given(fs), cliflag.Rule{Flag: "per", OK: generated, Why: "-per counts generated instances"})
	fmt.Println(err)

	n, err := cliflag.IntList("-n", *ns, 1, 1000)
	fmt.Println(n, *per, err)
	_, err = cliflag.Range("-pmax", "3:90:3", 2, 75)
	fmt.Println(err)
	// Output:
	// [extra] <nil>
	// study: -per does not apply: -per counts generated instances
	// [10 20 40] 3 <nil>
	// -pmax: 3:90:3 must lie in 2..75
}
