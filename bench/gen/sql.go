package gen

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"sort"
	"strconv"

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

// GroupedQuery is the whole question as one statement on the tables the
// benchmark files load into (deals with amounts in currency units, and
// employees with their team and department): every KPI of Definitions for
// every employee, team, department and the company, for the deals closed
// from..to, per month of close (monthly) or over the whole range. Each row
// is kind, subject, month (or ”), won, won_value, lost, avg_deal,
// days_to_close and win_rate; subjects without deals have no row.
//
// DuckDB takes it as GROUPING SETS with its median(); SQLite, which has
// neither, as one statement over the four levels stacked with UNION ALL and
// the median by window functions.
func GroupedQuery(d Dialect, from, to kpi.Date, monthly bool) string {
	month := "''"
	if monthly {
		month = d.Month
	}
	between := fmt.Sprintf("d.close_date BETWEEN '%s' AND '%s'", from, to)
	if d.DateType == "DATE" {
		between = fmt.Sprintf("d.close_date BETWEEN DATE '%s' AND DATE '%s'", from, to)
	}
	if d.Name == DuckDB.Name {
		return fmt.Sprintf(`SELECT CASE WHEN grouping(d.owner) = 0 THEN 'employee' ELSE 'unit' END AS kind,
	coalesce(d.owner, e.team, e.dept, '%[1]s') AS subject,
	%[2]s AS month,
	count(*) FILTER (WHERE d.stage = 'Won') AS won,
	coalesce(sum(d.amount) FILTER (WHERE d.stage = 'Won'), 0) AS won_value,
	count(*) FILTER (WHERE d.stage = 'Lost') AS lost,
	avg(d.amount) FILTER (WHERE d.stage = 'Won') AS avg_deal,
	median(%[3]s) FILTER (WHERE d.stage = 'Won') AS days_to_close,
	count(*) FILTER (WHERE d.stage = 'Won') / nullif(count(*) FILTER (WHERE d.stage IN ('Won', 'Lost')), 0) AS win_rate
FROM deals d JOIN employees e ON e.id = d.owner
WHERE %[4]s
GROUP BY GROUPING SETS ((d.owner, %[2]s), (e.team, %[2]s), (e.dept, %[2]s), (%[2]s))`, CompanyID, month, d.Days, between)
	}
	return fmt.Sprintf(`WITH b AS (
	SELECT d.owner, e.team, e.dept, %[2]s AS month, d.stage, d.amount, %[3]s AS days
	FROM deals d JOIN employees e ON e.id = d.owner
	WHERE %[4]s
), l AS (
	SELECT 'employee' AS kind, owner AS subject, month, stage, amount, days FROM b
	UNION ALL SELECT 'unit', team, month, stage, amount, days FROM b
	UNION ALL SELECT 'unit', dept, month, stage, amount, days FROM b
	UNION ALL SELECT 'unit', '%[1]s', month, stage, amount, days FROM b
), r AS (
	SELECT kind, subject, month, days,
		row_number() OVER (PARTITION BY kind, subject, month ORDER BY days) AS rn,
		count(*) OVER (PARTITION BY kind, subject, month) AS n
	FROM l WHERE stage = 'Won'
), m AS (
	SELECT kind, subject, month, avg(days) AS median FROM r WHERE 2 * rn BETWEEN n AND n + 2 GROUP BY 1, 2, 3
)
SELECT l.kind, l.subject, l.month,
	count(*) FILTER (WHERE l.stage = 'Won') AS won,
	coalesce(sum(l.amount) FILTER (WHERE l.stage = 'Won'), 0) AS won_value,
	count(*) FILTER (WHERE l.stage = 'Lost') AS lost,
	avg(l.amount) FILTER (WHERE l.stage = 'Won') AS avg_deal,
	m.median AS days_to_close,
	CAST(count(*) FILTER (WHERE l.stage = 'Won') AS REAL) / nullif(count(*) FILTER (WHERE l.stage IN ('Won', 'Lost')), 0) AS win_rate
FROM l LEFT JOIN m ON m.kind = l.kind AND m.subject = l.subject AND m.month = l.month
GROUP BY 1, 2, 3`, CompanyID, month, d.Days, between)
}

// FileSchema creates the tables the benchmark files load into: deals as in
// deals.csv (amounts in currency units) and employees as in employees.csv.
func FileSchema(d Dialect) []string {
	amount := "NUMERIC"
	if d.Name == DuckDB.Name {
		amount = "DECIMAL(12,2)"
	}
	return []string{
		fmt.Sprintf(`CREATE TABLE deals (id TEXT PRIMARY KEY, owner TEXT NOT NULL, stage TEXT NOT NULL, amount %[2]s, engage_date %[1]s NOT NULL, close_date %[1]s)`, d.DateType, amount),
		`CREATE TABLE employees (id TEXT PRIMARY KEY, name TEXT NOT NULL, dept TEXT NOT NULL, team TEXT NOT NULL)`,
	}
}

// InsertCSV inserts the rows of a CSV file with a header, in one
// transaction, with the prepared statement ins; an empty cell of column
// nullable is NULL (-1: none). It returns how many rows it inserted.
func InsertCSV(db *sql.DB, path, ins string, nullable int) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return 0, err
	}
	tx, err := db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	st, err := tx.Prepare(ins)
	if err != nil {
		return 0, err
	}
	n := 0
	var args []any
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return n, err
		}
		args = args[:0]
		for i, c := range row {
			if i == nullable && c == "" {
				args = append(args, nil)
			} else {
				args = append(args, c)
			}
		}
		if _, err := st.Exec(args...); err != nil {
			return n, err
		}
		n++
	}
	return n, tx.Commit()
}

// ReadGrouped runs a GroupedQuery and returns its values; label is the
// period of a query over the whole range (its rows have no month).
func ReadGrouped(ctx context.Context, db *sql.DB, q, label string) (Grid, error) {
	rs, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, q)
	}
	defer rs.Close()
	g := Grid{}
	for rs.Next() {
		var kind, subject, month string
		var won, lost int64
		var raw [4]any
		if err := rs.Scan(&kind, &subject, &month, &won, &raw[0], &lost, &raw[1], &raw[2], &raw[3]); err != nil {
			return nil, err
		}
		var strs [4]sql.NullString
		for i, v := range raw {
			switch v := v.(type) {
			case nil:
			case []byte:
				strs[i] = sql.NullString{String: string(v), Valid: true}
			default:
				strs[i] = sql.NullString{String: fmt.Sprint(v), Valid: true}
			}
		}
		value, avg, days, rate := strs[0], strs[1], strs[2], strs[3]
		if month == "" {
			month = label
		}
		dec := func(s sql.NullString) GridValue {
			if !s.Valid {
				return GridValue{Null: true}
			}
			return GridValue{Dec: decimal.RequireFromString(s.String)}
		}
		float := func(s sql.NullString) GridValue {
			if !s.Valid {
				return GridValue{Null: true}
			}
			f, err := strconv.ParseFloat(s.String, 64)
			if err != nil {
				return GridValue{Null: true, Approx: true}
			}
			return GridValue{Float: f, Approx: true}
		}
		g[gridKey("won", kind, subject, month)] = GridValue{Dec: decimal.New(won, 0)}
		g[gridKey("lost", kind, subject, month)] = GridValue{Dec: decimal.New(lost, 0)}
		g[gridKey("won_value", kind, subject, month)] = float(value) // SQLite sums its amounts as REAL
		g[gridKey("avg_deal", kind, subject, month)] = float(avg)
		g[gridKey("days_to_close", kind, subject, month)] = dec(days)
		g[gridKey("win_rate", kind, subject, month)] = float(rate)
	}
	return g, rs.Err()
}

// CompareGrouped runs the GroupedQuery of d on db for 2025 per month and
// for June 2025, and compares them with the values of the same questions
// from values (an engine's); it returns the differences, at most 20 per
// question, and an error if a question's grid is nearly empty.
func CompareGrouped(ctx context.Context, db *sql.DB, d Dialect, values func(kpi.ValueQuery) ([]kpi.KPIValue, error)) ([]string, error) {
	var diffs []string
	for _, period := range []string{"2025", "2025-06"} {
		p, err := kpi.ParsePeriod(period)
		if err != nil {
			return nil, err
		}
		grain := p.Grain
		if grain == kpi.Year {
			grain = kpi.Month
		}
		vs, err := values(kpi.ValueQuery{Grain: grain, From: p.From, To: p.To})
		if err != nil {
			return nil, err
		}
		g, err := ReadGrouped(ctx, db, GroupedQuery(d, p.From, p.To, p.Grain == kpi.Year), p.Label())
		if err != nil {
			return nil, err
		}
		if len(g) < 100 {
			return nil, fmt.Errorf("%s: the reference grid has %d values", period, len(g))
		}
		for _, diff := range Compare(g, vs, 20) {
			diffs = append(diffs, period+": "+diff)
		}
	}
	return diffs, nil
}

// WriteRows writes the rows of rs as CSV with a header, as the reference
// commands print their answers.
func WriteRows(w io.Writer, rs *sql.Rows) error {
	cols, err := rs.Columns()
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(cols)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	rec := make([]string, len(cols))
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				rec[i] = ""
			case []byte:
				rec[i] = string(v)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return rs.Err()
}
