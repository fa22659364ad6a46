// Package demo builds Northwind Supply, a deterministic demo company: an org
// tree of about 40 people in a sales and an order-processing department, and
// a year of deals, contracts, shipments, payments and order requests whose
// KPIs tell stories (who is strong, who improves, who slips). The same seed
// gives the same data, byte for byte; README.md lists the intended stories.
// It is also the data of the end-to-end tests and benchmarks.
package demo

import (
	_ "embed"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"time"

	"attain/kpi"
)

// Config is the demo's attain.yaml: the datasets Generate fills and the KPIs
// over them. Treat it as read-only.
//
//go:embed attain.yaml
var Config []byte

// CompanyName is the demo company's name.
const CompanyName = "Northwind Supply"

// DefaultMonths is the default length of the data.
const DefaultMonths = 12

// WarmUpMonths is how long before Start the business already runs: the
// pipeline, contracts and shipments the first months' records follow from.
const WarmUpMonths = 4

// DefaultStart is the first day of the default year of data: December 2025
// to November 2026.
func DefaultStart() kpi.Date { return kpi.NewDate(2025, time.December, 1) }

// Options shape the generated data.
type Options struct {
	Seed   int64    // same seed, same data
	Start  kpi.Date // first day of the first month; 0 (1970-01-01) means DefaultStart
	Months int      // months of data from Start; 0 means DefaultMonths
	// Until cuts the data short: nothing happens after it (deals not
	// closed by then are open). 0 means the end of the last month; a
	// workspace loaded "up to today" sets it to today.
	Until kpi.Date
}

// Data is a generated company.
type Data struct {
	Company string
	Start   kpi.Date // first day of the data
	End     kpi.Date // last day of the data: no record is dated after it
	// Every record is dated on or after Start by the time column its KPIs
	// use (deals by closed_at, or open), except the deals, contracts and
	// shipments that records in the data refer to: a deal won in October
	// whose goods are paid in December is there, so references resolve and
	// the first months are not empty. Those are dated at most WarmUpMonths
	// before Start.
	Units     []*kpi.OrgUnit
	Employees []*kpi.Employee
	// Records by dataset name; each slice is sorted by key, which follows
	// the records' dates. The values are in the column order of Config.
	Records map[string][]kpi.Record
}

// Generate builds the demo company from opt. The org chart and everyone's
// profile are fixed; the seed decides the records.
func Generate(opt Options) (*Data, error) {
	if opt.Start == 0 {
		opt.Start = DefaultStart()
	}
	if opt.Months == 0 {
		opt.Months = DefaultMonths
	}
	if opt.Start.Time().Day() != 1 {
		return nil, kpi.Errorf(kpi.EINVALID, "Demo start %s is not the first day of a month.", opt.Start)
	}
	if opt.Months < 1 || opt.Months > 120 {
		return nil, kpi.Errorf(kpi.EINVALID, "Demo months %d: want 1 to 120.", opt.Months)
	}
	g := &generator{
		seed:   opt.Seed,
		start:  opt.Start,
		months: opt.Months,
		end:    addMonths(opt.Start, opt.Months) - 1,
	}
	if opt.Until != 0 {
		if opt.Until < opt.Start {
			return nil, kpi.Errorf(kpi.EINVALID, "Demo until %s is before its start %s.", opt.Until, opt.Start)
		}
		g.end = min(g.end, opt.Until)
	}
	g.buildOrg()
	deals := g.deals()
	contracts := g.contracts(deals)
	shipments := g.shipments(contracts)
	payments := g.payments(shipments)
	deals, contracts, shipments, payments = g.prune(deals, contracts, shipments, payments)
	// Deals are created every month; with Until inside the last month, the
	// ones created after it have not happened yet. (Everything else is
	// already cut at g.end where it is made.)
	deals = slices.DeleteFunc(deals, func(d *deal) bool { return d.created > g.end })
	requests := g.requests()
	recs := map[string][]kpi.Record{
		"deals":     dealRecords(deals),
		"contracts": contractRecords(contracts),
		"shipments": shipmentRecords(shipments),
		"payments":  paymentRecords(payments),
		"requests":  requestRecords(requests),
	}
	return &Data{
		Company:   CompanyName,
		Start:     g.start,
		End:       g.end,
		Units:     g.units,
		Employees: g.employees,
		Records:   recs,
	}, nil
}

// generator holds one run of Generate.
type generator struct {
	seed   int64
	start  kpi.Date
	months int
	end    kpi.Date

	units     []*kpi.OrgUnit
	employees []*kpi.Employee
	people    []*person // everyone who owns records, in roster order
}

// rng returns the random stream named label: streams are independent of
// each other, so adding one does not change the others' data.
func (g *generator) rng(label string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(label))
	return rand.New(rand.NewPCG(uint64(g.seed), h.Sum64()))
}

// month returns the first and last day of month m (0-based) of the data.
func (g *generator) month(m int) (from, to kpi.Date) {
	return addMonths(g.start, m), addMonths(g.start, m+1) - 1
}

// progress is how far month m is through the data, 0 to 1000 (0 for the
// warm-up months before the data).
func (g *generator) progress(m int) int {
	if g.months == 1 {
		return 500
	}
	return max(0, m) * 1000 / (g.months - 1)
}

// addMonths returns the first day of the month n months after the month of d.
func addMonths(d kpi.Date, n int) kpi.Date {
	y, m, _ := d.Time().Date()
	return kpi.NewDate(y, m+time.Month(n), 1)
}

// weekdays returns the working days (Monday to Friday) of [from, to].
func weekdays(from, to kpi.Date) []kpi.Date {
	var ds []kpi.Date
	for d := from; d <= to; d++ {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			ds = append(ds, d)
		}
	}
	return ds
}

// nextWeekday returns d, or the Monday after it if it falls on a weekend.
func nextWeekday(d kpi.Date) kpi.Date {
	switch d.Weekday() {
	case time.Saturday:
		return d + 2
	case time.Sunday:
		return d + 1
	}
	return d
}

// between returns a random int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// chance reports true with probability permille/1000.
func chance(r *rand.Rand, permille int) bool { return r.IntN(1000) < permille }

// jitter returns n changed by up to ±pct percent, at least 0.
func jitter(r *rand.Rand, n, pct int) int {
	k := n * pct / 100
	if k == 0 {
		return n
	}
	return max(0, n+between(r, -k, k))
}
