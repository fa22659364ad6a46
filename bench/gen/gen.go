// Package gen generates the deterministic benchmark workspace shared by the
// engine's benchmarks and the SQL reference benchmarks (SQLite in engine,
// DuckDB in bench/duckdb): one company, departments, teams, employees, and a
// deals dataset with stage, amount, engage and close dates over one year.
package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"attain/kpi"
)

// Config sizes the generated workspace.
type Config struct {
	Records     int    // deals
	Departments int    // under the one company
	Teams       int    // spread evenly over the departments
	Employees   int    // spread evenly over the teams
	Year        int    // engage dates fall in this year
	Seed        uint64 // same seed, same data
}

// DefaultConfig is the benchmark workload: 1,000 employees in 100 teams in 10
// departments under one company, deals over 2025.
func DefaultConfig(records int) Config {
	return Config{Records: records, Departments: 10, Teams: 100, Employees: 1000, Year: 2025, Seed: 1}
}

// Stages of a deal.
const (
	Won  = "Won"
	Lost = "Lost"
	Open = "Open"
)

// Deal is one generated record, typed for loading into SQL tables.
type Deal struct {
	ID         string
	Owner      string
	Stage      string
	Amount     int64 // cents
	EngageDate kpi.Date
	CloseDate  kpi.Date
	Closed     bool // CloseDate is set (false for open deals)
}

// Record returns d as a record of the deals dataset.
func (d Deal) Record() kpi.Record {
	cl := kpi.Value{N: int64(d.CloseDate), Null: !d.Closed}
	return kpi.Record{Key: d.ID, Owner: d.Owner, Values: []kpi.Value{
		{S: d.ID}, {S: d.Owner}, {S: d.Stage}, {N: d.Amount}, {N: int64(d.EngageDate)}, cl,
	}}
}

// Dataset is the deals dataset the records belong to.
func Dataset() *kpi.Dataset {
	return &kpi.Dataset{
		Name: "deals",
		Columns: []kpi.Column{
			{Name: "id", Type: kpi.String, Required: true},
			{Name: "owner", Type: kpi.String, Required: true},
			{Name: "stage", Type: kpi.String, Required: true, Values: []string{Won, Lost, Open}},
			{Name: "amount", Type: kpi.Money, Scale: 2, NonNegative: true},
			{Name: "engage_date", Type: kpi.DateType, Required: true},
			{Name: "close_date", Type: kpi.DateType},
		},
		Key:         "id",
		Owner:       "owner",
		TimeColumns: []string{"close_date", "engage_date"},
	}
}

// Definitions returns the deals dataset and the benchmark KPIs: won, lost
// (counts), won_value (sum), avg_deal (avg), days_to_close (median) and
// win_rate (formula), all dated by close_date.
func Definitions() *kpi.Definitions {
	won := `stage == "Won"`
	return &kpi.Definitions{
		Datasets: []*kpi.Dataset{Dataset()},
		KPIs: []*kpi.KPI{
			{Name: "won", Title: "Deals won", Unit: kpi.UnitCount, Direction: kpi.HigherIsBetter,
				Dataset: "deals", Aggregation: kpi.Count, Filter: won, TimeColumn: "close_date"},
			{Name: "won_value", Title: "Won value", Unit: kpi.UnitMoney, Currency: "EUR", Direction: kpi.HigherIsBetter,
				Dataset: "deals", Aggregation: kpi.Sum, Expr: "amount", Filter: won, TimeColumn: "close_date"},
			{Name: "lost", Title: "Deals lost", Unit: kpi.UnitCount, Direction: kpi.LowerIsBetter,
				Dataset: "deals", Aggregation: kpi.Count, Filter: `stage == "Lost"`, TimeColumn: "close_date"},
			{Name: "avg_deal", Title: "Average deal size", Unit: kpi.UnitMoney, Currency: "EUR", Direction: kpi.HigherIsBetter,
				Dataset: "deals", Aggregation: kpi.Avg, Expr: "amount", Filter: won, TimeColumn: "close_date"},
			{Name: "days_to_close", Title: "Median days to close", Unit: kpi.UnitDuration, TimeUnit: "days", Direction: kpi.LowerIsBetter,
				Dataset: "deals", Aggregation: kpi.Median, Expr: "days_between(engage_date, close_date)", Filter: won, TimeColumn: "close_date"},
			{Name: "win_rate", Title: "Win rate", Unit: kpi.UnitPercent, Direction: kpi.HigherIsBetter,
				Formula: "won / (won + lost)"},
		},
	}
}

// CompanyID is the root unit's id.
const CompanyID = "C"

// DeptID, TeamID and EmployeeID name the generated units and employees.
func DeptID(i int) string     { return fmt.Sprintf("D%02d", i+1) }
func TeamID(i int) string     { return fmt.Sprintf("T%03d", i+1) }
func EmployeeID(i int) string { return fmt.Sprintf("E%04d", i+1) }

// Org returns the company, its departments and teams, and the employees.
// Team t belongs to department t*Departments/Teams; employee e to team
// e*Teams/Employees.
func Org(c Config) kpi.Org {
	var org kpi.Org
	org.Units = append(org.Units, &kpi.OrgUnit{ID: CompanyID, Name: "Company", Kind: "company"})
	for d := range c.Departments {
		org.Units = append(org.Units, &kpi.OrgUnit{ID: DeptID(d), Name: "Department " + DeptID(d), Kind: "department", ParentID: CompanyID})
	}
	for t := range c.Teams {
		org.Units = append(org.Units, &kpi.OrgUnit{ID: TeamID(t), Name: "Team " + TeamID(t), Kind: "team", ParentID: DeptID(TeamDept(c, t))})
	}
	for e := range c.Employees {
		org.Employees = append(org.Employees, &kpi.Employee{ID: EmployeeID(e), Name: "Employee " + EmployeeID(e), UnitID: TeamID(EmployeeTeam(c, e))})
	}
	return org
}

// TeamDept returns the department index of team t.
func TeamDept(c Config, t int) int { return t * c.Departments / c.Teams }

// EmployeeTeam returns the team index of employee e.
func EmployeeTeam(c Config, e int) int { return e * c.Teams / c.Employees }

// Each calls fn for every generated deal, in key order. Engage dates are
// uniform over the year; 45 % of deals are won, 35 % lost, 20 % open; a
// closed deal closes 0 to 120 days after it was engaged (so some close in the
// next year); amounts run from 100.00 to 100,000.00.
func Each(c Config, fn func(Deal)) {
	r := rand.New(rand.NewPCG(c.Seed, 0x5eed))
	start := kpi.NewDate(c.Year, time.January, 1)
	days := int(kpi.NewDate(c.Year+1, time.January, 1) - start)
	for i := range c.Records {
		d := Deal{
			ID:         fmt.Sprintf("D%09d", i+1),
			Owner:      EmployeeID(r.IntN(c.Employees)),
			Amount:     10000 + r.Int64N(10000000-10000+1),
			EngageDate: start + kpi.Date(r.IntN(days)),
		}
		switch p := r.IntN(100); {
		case p < 45:
			d.Stage = Won
		case p < 80:
			d.Stage = Lost
		default:
			d.Stage = Open
		}
		if d.Stage != Open {
			d.Closed = true
			d.CloseDate = d.EngageDate + kpi.Date(r.IntN(121))
		}
		fn(d)
	}
}

// Deals returns every generated deal.
func Deals(c Config) []Deal {
	ds := make([]Deal, 0, c.Records)
	Each(c, func(d Deal) { ds = append(ds, d) })
	return ds
}
