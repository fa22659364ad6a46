// Command benchdata writes the benchmark workspace of attain/bench/gen at
// any size, so anyone can repeat the benchmarks of docs/performance.md:
//
//	go run ./bench/cmd/benchdata -records 1000000 -out /tmp/bench1m
//
// writes deals.csv, employees.csv and attain.yaml into the directory and
// prints the commands that load them into Attain.
package main

import (
	"flag"
	"fmt"
	"os"

	"attain/bench/gen"
)

func main() {
	records := flag.Int("records", 1_000_000, "deals to generate")
	out := flag.String("out", "bench-data", "directory to write into")
	seed := flag.Uint64("seed", 1, "seed of the generator: same seed, same data")
	flag.Parse()
	c := gen.DefaultConfig(*records)
	c.Seed = *seed
	fs, err := gen.WriteFiles(*out, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdata:", err)
		os.Exit(1)
	}
	fmt.Printf(`Wrote %d deals of %d employees to %s, their employees to %s and the definitions to %s.
Load them into Attain (the data directory is DB):
  attain --db DB org import %s --unit-path department,team --root %s
  attain --db DB apply -f %s
  attain --db DB import deals %s
Then, for example:
  attain --db DB kpi values --grain month --from %d-01-01 --to %d-12-31 --format csv
`, c.Records, c.Employees, fs.Deals, fs.Employees, fs.Definitions,
		fs.Employees, gen.CompanyID, fs.Definitions, fs.Deals, c.Year, c.Year)
}
