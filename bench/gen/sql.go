package gen

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Dialect is what differs between the SQL engines the reference runs on:
// the date column type, the month of a date and the days between two dates.
type Dialect struct {
	Name     string
	DateType string
	Month    string // of close_date, as YYYY-MM text
	Days     string // close_date - engage_date in days
}

var (
	SQLite = Dialect{Name: "sqlite", DateType: "TEXT",
		Month: "substr(d.close_date, 1, 7)",
		Days:  "CAST(julianday(d.close_date) - julianday(d.engage_date) AS INTEGER)"}
	DuckDB = Dialect{Name: "duckdb", DateType: "DATE",
		Month: "strftime(d.close_date, '%Y-%m')",
		Days:  "(d.close_date - d.engage_date)"}
)

// Schema creates the plain typed tables the reference queries read: deals
// (amount in cents) and employees with their team and department.
func Schema(d Dialect) []string {
	return []string{
		fmt.Sprintf(`CREATE TABLE deals (id TEXT PRIMARY KEY, owner TEXT NOT NULL, stage TEXT NOT NULL, amount BIGINT, engage_date %[1]s NOT NULL, close_date %[1]s)`, d.DateType),
		`CREATE TABLE employees (id TEXT PRIMARY KEY, team TEXT NOT NULL, dept TEXT NOT NULL)`,
	}
}

// EmployeeRows returns (id, team, department) for every employee.
func EmployeeRows(c Config) [][3]string {
	rows := make([][3]string, c.Employees)
	for e := range c.Employees {
		t := EmployeeTeam(c, e)
		rows[e] = [3]string{EmployeeID(e), TeamID(t), DeptID(TeamDept(c, t))}
	}
	return rows
}

// WriteDealsCSV writes the deals as CSV with a header, for bulk loading.
func WriteDealsCSV(w io.Writer, c Config) error {
	var err error
	write := func(s string) {
		if err == nil {
			_, err = io.WriteString(w, s)
		}
	}
	write("id,owner,stage,amount,engage_date,close_date\n")
	Each(c, func(d Deal) {
		cl := ""
		if d.Closed {
			cl = d.CloseDate.String()
		}
		write(fmt.Sprintf("%s,%s,%s,%d,%s,%s\n", d.ID, d.Owner, d.Stage, d.Amount, d.EngageDate, cl))
	})
	return err
}

// Level is one row of the org: how a subject is named in SQL.
type Level struct {
	Kind  string // kpi.SubjectEmployee or kpi.SubjectUnit
	Group string // SQL expression naming the subject
}

// Levels are employee, team, department and company.
var Levels = []Level{
	{kpi.SubjectEmployee, "d.owner"},
	{kpi.SubjectUnit, "e.team"},
	{kpi.SubjectUnit, "e.dept"},
	{kpi.SubjectUnit, "'" + CompanyID + "'"},
}

// Queries returns the reference SQL for the benchmark KPIs of Definitions
// per subject and month of year c.Year: per level, one GROUP BY for the
// counts, sum, average and win rate, and one window-function query for the
// median (the middle row or the mean of the two middle rows).
// Every query returns kind, subject, month and its columns.
func Queries(d Dialect, c Config) []string {
	where := fmt.Sprintf("d.close_date BETWEEN '%d-01-01' AND '%d-12-31'", c.Year, c.Year)
	if d.DateType == "DATE" {
		where = fmt.Sprintf("d.close_date BETWEEN DATE '%d-01-01' AND DATE '%d-12-31'", c.Year, c.Year)
	}
	var qs []string
	for _, l := range Levels {
		qs = append(qs, fmt.Sprintf(`SELECT '%s', %s, %s,
	SUM(CASE WHEN d.stage = 'Won' THEN 1 ELSE 0 END),
	SUM(CASE WHEN d.stage = 'Won' THEN d.amount END),
	SUM(CASE WHEN d.stage = 'Lost' THEN 1 ELSE 0 END),
	AVG(CASE WHEN d.stage = 'Won' THEN d.amount END),
	CAST(SUM(CASE WHEN d.stage = 'Won' THEN 1 ELSE 0 END) AS DOUBLE) / NULLIF(SUM(CASE WHEN d.stage IN ('Won', 'Lost') THEN 1 ELSE 0 END), 0)
FROM deals d JOIN employees e ON e.id = d.owner
WHERE %s
GROUP BY 2, 3`, l.Kind, l.Group, d.Month, where))
		qs = append(qs, fmt.Sprintf(`WITH w AS (
	SELECT %s AS subject, %s AS month, %s AS days
	FROM deals d JOIN employees e ON e.id = d.owner
	WHERE d.stage = 'Won' AND %s
), r AS (
	SELECT subject, month, days,
		ROW_NUMBER() OVER (PARTITION BY subject, month ORDER BY days) AS rn,
		COUNT(*) OVER (PARTITION BY subject, month) AS n
	FROM w
)
SELECT '%s', subject, month, AVG(days) FROM r WHERE 2 * rn BETWEEN n AND n + 2 GROUP BY subject, month`, l.Group, d.Month, d.Days, where, l.Kind))
	}
	return qs
}

// RunQueries runs the reference queries and discards the rows (for timing).
func RunQueries(ctx context.Context, db *sql.DB, qs []string) (rows int, err error) {
	for _, q := range qs {
		rs, err := db.QueryContext(ctx, q)
		if err != nil {
			return rows, fmt.Errorf("%w\n%s", err, q)
		}
		for rs.Next() {
			rows++
		}
		if err := rs.Close(); err != nil {
			return rows, err
		}
		if err := rs.Err(); err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// Grid holds KPI values by "kpi kind:subject month".
type Grid map[string]GridValue

// GridValue is one value: exact (Dec) or, for the float results of SQL
// averages and ratios, approximate (Float).
type GridValue struct {
	Null   bool
	Dec    decimal.Decimal
	Float  float64
	Approx bool
}

func gridKey(kpiName, kind, subject, month string) string {
	return kpiName + " " + kind + ":" + subject + " " + month
}

// ReadGrid runs the reference queries and returns their values.
func ReadGrid(ctx context.Context, db *sql.DB, qs []string) (Grid, error) {
	g := Grid{}
	for _, q := range qs {
		rs, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%w\n%s", err, q)
		}
		cols, err := rs.Columns()
		if err != nil {
			rs.Close()
			return nil, err
		}
		median := len(cols) == 4
		for rs.Next() {
			var kind, subject, month string
			if median {
				var days float64
				if err := rs.Scan(&kind, &subject, &month, &days); err != nil {
					rs.Close()
					return nil, err
				}
				g[gridKey("days_to_close", kind, subject, month)] = GridValue{Dec: decimal.NewFromFloat(days)}
				continue
			}
			var won, lost int64
			var value sql.NullInt64
			var avg, rate sql.NullFloat64
			if err := rs.Scan(&kind, &subject, &month, &won, &value, &lost, &avg, &rate); err != nil {
				rs.Close()
				return nil, err
			}
			g[gridKey("won", kind, subject, month)] = GridValue{Dec: decimal.New(won, 0)}
			g[gridKey("lost", kind, subject, month)] = GridValue{Dec: decimal.New(lost, 0)}
			g[gridKey("won_value", kind, subject, month)] = GridValue{Dec: decimal.New(value.Int64, -2)}
			g[gridKey("avg_deal", kind, subject, month)] = GridValue{Null: !avg.Valid, Float: avg.Float64 / 100, Approx: true}
			g[gridKey("win_rate", kind, subject, month)] = GridValue{Null: !rate.Valid, Float: rate.Float64, Approx: true}
		}
		if err := rs.Close(); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// Compare checks the engine's values against the reference grid and
// returns the differences (at most max). A value missing from the grid
// (SQL has no row for an empty group) must be 0 for counts and sums and
// null otherwise.
func Compare(g Grid, vs []kpi.KPIValue, max int) []string {
	var diffs []string
	for _, v := range vs {
		key := gridKey(v.KPI, v.Subject.Kind, v.Subject.ID, v.Period.Label())
		want, ok := g[key]
		if !ok {
			switch v.KPI {
			case "won", "lost", "won_value":
				want = GridValue{Dec: decimal.Zero}
			default:
				want = GridValue{Null: true}
			}
		}
		var bad bool
		switch {
		case want.Null || v.Null:
			bad = want.Null != v.Null
		case want.Approx:
			f, _ := new(big.Float).SetRat(v.Value.Rat()).Float64()
			bad = math.Abs(f-want.Float) > 1e-9*math.Max(1, math.Abs(want.Float))
		default:
			bad = !v.Value.Equal(want.Dec)
		}
		if bad {
			diffs = append(diffs, fmt.Sprintf("%s: engine %s (null %v), reference %s%v (null %v)", key, v.Value, v.Null, want.Dec, want.Float, want.Null))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > max {
		diffs = diffs[:max]
	}
	return diffs
}
