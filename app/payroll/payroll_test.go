package payroll_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/app/payroll"
	"attain/app/review"
	"attain/attainyaml"
	"attain/engine"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

const testYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Open, Won, Lost]}
      - {name: amount, type: money, non_negative: true}
      - {name: closed_on, type: date}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
bonus_plans:
  - name: reps
    plan:
      components:
        - id: bonus
          kind: bonus
          target: 1000
          coefficient: {of: won_value, scale: [{from: 0, coefficient: 0, slope: 1}]}
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
      limits: {period_cap: 5000}
      clawback: {method: full}
    assign:
      - {position: rep}
`

// fixture is a workspace with reps ann and bob (EUR), the reps plan (a
// 1,000 target bonus × won value attainment, 10 % commission on won value,
// full clawback) and "today" on 20 May 2026.
type fixture struct {
	t       testing.TB
	ctx     context.Context
	svc     *payroll.Service
	records *sqldb.RecordService
	targets *sqldb.TargetService
	wss     *sqldb.WorkspaceService
}

func newFixture(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	return newFixtureYAML(t, db, testYAML)
}

// newFixtureYAML is newFixture with another attain.yaml (it must define
// won_value) and, when given, other employees than ann and bob.
func newFixtureYAML(t testing.TB, db *sqldb.DB, yaml string, emps ...*kpi.Employee) *fixture {
	t.Helper()
	ctx := context.Background()
	wss := sqldb.NewWorkspaceService(db)
	ws := kpi.Workspace{Slug: "acme", Name: "Acme", TimeZone: "UTC"}
	if err := wss.CreateWorkspace(ctx, &ws); err != nil {
		t.Fatal(err)
	}
	ctx = kpi.NewContextWithActor(kpi.NewContextWithWorkspace(ctx, ws.ID), "test:manager")
	org, defsSvc, recs, targets := sqldb.NewOrgService(db), sqldb.NewDefinitionService(db), sqldb.NewRecordService(db), sqldb.NewTargetService(db)
	defs, err := attainyaml.Load("attain.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := defsSvc.ApplyDefinitions(ctx, defs, kpi.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	salary := decimal.RequireFromString("4000")
	if emps == nil {
		emps = []*kpi.Employee{
			{ID: "ann", Name: "Ann", UnitID: "t1", Position: "rep", Currency: "EUR", Salary: &salary},
			{ID: "bob", Name: "Bob", UnitID: "t1", Position: "rep", Currency: "EUR"},
		}
	}
	if _, err := org.ImportOrg(ctx, []*kpi.OrgUnit{{ID: "t1", Name: "Team 1"}}, emps); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	values := engine.New(engine.Services{Workspaces: wss, Org: org, Definitions: defsSvc, Records: recs}, nil)
	f := &fixture{t: t, ctx: ctx, records: recs, targets: targets, wss: wss}
	f.svc = &payroll.Service{
		Workspaces: wss, Org: org, Definitions: defsSvc, Values: values, Targets: targets,
		Statements: sqldb.NewStatementService(db), Records: recs,
		Review: &review.Service{Workspaces: wss, Org: org, Definitions: defsSvc, Values: values, Targets: targets, Now: func() time.Time { return now }},
		Now:    func() time.Time { return now },
	}
	for _, p := range []string{"2026-03", "2026-04", "2026-05"} {
		v := decimal.RequireFromString("10000")
		if _, err := targets.SetTargets(ctx, []kpi.TargetInput{{KPI: "won_value", Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "ann"}, Period: period(t, p), Value: &v}}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// deal writes one deal: key, rep, stage, amount, closing day.
func (f *fixture) deal(key, rep, stage, amount, day string) {
	f.t.Helper()
	d, err := kpi.ParseDate(day)
	if err != nil {
		f.t.Fatal(err)
	}
	rec := kpi.Record{Key: key, Owner: rep, Values: []kpi.Value{{S: key}, {S: rep}, {S: stage}, {N: decimal.RequireFromString(amount).Shift(2).IntPart()}, {N: int64(d)}}}
	if _, err := f.records.UpsertRecords(f.ctx, "deals", []kpi.Record{rec}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) statement(emp, p string) *kpi.Statement {
	f.t.Helper()
	st, err := f.svc.Statement(f.ctx, emp, period(f.t, p))
	if err != nil {
		f.t.Fatalf("statement %s %s: %v", emp, p, err)
	}
	return st
}

func (f *fixture) approveLock(emp, p string) {
	f.t.Helper()
	if _, err := f.svc.Approve(f.ctx, emp, period(f.t, p)); err != nil {
		f.t.Fatalf("approve %s %s: %v", emp, p, err)
	}
	if _, err := f.svc.Lock(f.ctx, emp, period(f.t, p)); err != nil {
		f.t.Fatalf("lock %s %s: %v", emp, p, err)
	}
}

func period(tb testing.TB, s string) kpi.Period {
	tb.Helper()
	p, err := kpi.ParsePeriod(s)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func money(tb testing.TB, got decimal.Decimal, want string) {
	tb.Helper()
	if !got.Equal(decimal.RequireFromString(want)) {
		tb.Errorf("got %s, want %s", got, want)
	}
}

func lineResult(tb testing.TB, st *kpi.Statement, id string) decimal.Decimal {
	tb.Helper()
	l := st.Line(id)
	if l == nil {
		tb.Fatalf("statement has no line %s", id)
	}
	return l.Result
}

func TestStatementInputs(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		f.deal("d2", "ann", "Won", "2000", "2026-03-10")
		f.deal("d0", "ann", "Lost", "9000", "2026-03-11")

		st := f.statement("ann", "2026-03")
		if st.Status != kpi.StatusDraft || st.Plan != "reps" || st.Currency != "EUR" || len(st.Sections) != 1 {
			t.Fatalf("statement: status %s, plan %s, currency %s, %d sections", st.Status, st.Plan, st.Currency, len(st.Sections))
		}
		in := st.Sections[0].Inputs
		k := in.KPI("won_value")
		if k == nil || k.Target == nil || k.Records != 2 {
			t.Fatalf("won_value input: %+v", k)
		}
		money(t, k.Actual, "5000")
		money(t, *k.Target, "10000")
		money(t, *in.Salary, "4000")
		money(t, in.YTDPaid, "0")
		if in.Active != nil {
			t.Errorf("a whole month is not prorated: %+v", in.Active)
		}
		// Bonus 1,000 × 0.5 + commission 10 % of 5,000.
		money(t, lineResult(t, st, "bonus.amount"), "500")
		money(t, lineResult(t, st, "commission.amount"), "500")
		money(t, st.Payout, "1000")
		if len(st.Explain) == 0 || st.Explain[0].Query.KPI == "" || st.Explain[0].Query.Subject.ID != "ann" {
			t.Errorf("explain links: %+v", st.Explain)
		}
		// Commission attributed pro rata to value: 3,000 and 2,000 of 500.
		got := map[string]string{}
		for _, a := range st.Attributions {
			got[a.Key] = a.Paid.StringFixed(2)
		}
		if got["d1"] != "300.00" || got["d2"] != "200.00" || len(got) != 2 {
			t.Errorf("attributions: %v", got)
		}
	})
}

func TestLifecycle(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		p := period(t, "2026-03")

		t.Run("ErrPayDraft", func(t *testing.T) {
			if _, err := f.svc.Pay(f.ctx, "ann", p); kpi.ErrorCode(err) != kpi.ECONFLICT {
				t.Errorf("pay a draft: %v, want conflict", err)
			}
		})
		t.Run("ErrLockDraft", func(t *testing.T) {
			if _, err := f.svc.Lock(f.ctx, "ann", p); kpi.ErrorCode(err) != kpi.ECONFLICT {
				t.Errorf("lock a draft: %v, want conflict", err)
			}
		})
		t.Run("ErrLockChangedSinceApproval", func(t *testing.T) {
			if _, err := f.svc.Approve(f.ctx, "ann", p); err != nil {
				t.Fatal(err)
			}
			f.deal("d9", "ann", "Won", "100", "2026-03-06")
			if st := f.statement("ann", "2026-03"); st.Status != kpi.StatusApproved || len(st.Notes) == 0 {
				t.Errorf("approved statement after a change: status %s, notes %v", st.Status, st.Notes)
			}
			if _, err := f.svc.Lock(f.ctx, "ann", p); kpi.ErrorCode(err) != kpi.ECONFLICT {
				t.Errorf("lock after a change: %v, want conflict", err)
			}
		})
		t.Run("OK", func(t *testing.T) {
			st, err := f.svc.Approve(f.ctx, "ann", p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Status != kpi.StatusApproved || st.ApprovedBy != "test:manager" {
				t.Errorf("approved: %s by %q", st.Status, st.ApprovedBy)
			}
			if st, err = f.svc.Lock(f.ctx, "ann", p); err != nil {
				t.Fatal(err)
			}
			if st.Status != kpi.StatusLocked || st.LockedAt == nil {
				t.Errorf("locked: %s at %v", st.Status, st.LockedAt)
			}
			if _, err := f.svc.Lock(f.ctx, "ann", p); kpi.ErrorCode(err) != kpi.ECONFLICT {
				t.Errorf("lock twice: %v, want conflict", err)
			}
			if _, err := f.svc.Approve(f.ctx, "ann", p); kpi.ErrorCode(err) != kpi.ECONFLICT {
				t.Errorf("approve a locked statement: %v, want conflict", err)
			}
			if st, err = f.svc.Pay(f.ctx, "ann", p); err != nil || st.Status != kpi.StatusPaid {
				t.Fatalf("pay: %v, status %v", err, st)
			}
			if _, err := f.svc.Pay(f.ctx, "ann", p); kpi.ErrorCode(err) != kpi.ECONFLICT {
				t.Errorf("pay twice: %v, want conflict", err)
			}
		})
	})
}

// A locked statement never changes: a record changed afterwards gives an
// adjustment in the next period's draft, a record that no longer counts a
// clawback of what was paid on it; once those are locked they are not
// raised again.
func TestAdjustmentsAndClawbacks(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		f.deal("d2", "ann", "Won", "2000", "2026-03-10")
		f.deal("d3", "ann", "Won", "5000", "2026-04-02")
		f.approveLock("ann", "2026-03") // 500 + 500 = 1,000

		f.deal("d1", "ann", "Won", "4000", "2026-03-05")
		march := f.statement("ann", "2026-03")
		money(t, march.Payout, "1000") // locked: unchanged
		if march.Status != kpi.StatusLocked {
			t.Errorf("march is %s", march.Status)
		}

		april := f.statement("ann", "2026-04")
		in := april.Sections[0].Inputs
		money(t, in.YTDPaid, "1000")
		if len(april.Adjustments) != 1 {
			t.Fatalf("adjustments: %+v", april.Adjustments)
		}
		// March now: 600 + 600 = 1,200 against 1,000 locked.
		money(t, april.Adjustments[0].Amount, "200")
		money(t, lineResult(t, april, "adjustment.2026-03"), "200")
		money(t, april.Payout, "1200") // 500 + 500 + 200

		// d2 is lost after all: its 200 of commission is clawed back; March
		// recomputed (800) against 1,000 locked less the 200 clawed back
		// leaves no adjustment.
		f.deal("d2", "ann", "Lost", "2000", "2026-03-10")
		april = f.statement("ann", "2026-04")
		money(t, lineResult(t, april, "clawback.d2"), "-200")
		if len(april.Adjustments) != 0 || len(april.Reversals) != 1 {
			t.Fatalf("adjustments %+v, reversals %+v", april.Adjustments, april.Reversals)
		}
		money(t, april.Payout, "800")
		f.approveLock("ann", "2026-04")

		may := f.statement("ann", "2026-05")
		if len(may.Adjustments) != 0 || len(may.Reversals) != 0 || may.Line("clawback.d2") != nil {
			t.Errorf("may raises again: adjustments %+v, reversals %+v", may.Adjustments, may.Reversals)
		}
		money(t, may.Sections[0].Inputs.YTDPaid, "1800")
	})
}

func TestInquiries(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		p := period(t, "2026-03")
		q, err := f.svc.Inquire(f.ctx, "ann", p, "commission.amount", "Is the deal of 5 March in?")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Inquire(f.ctx, "ann", p, "nope", "?"); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("inquiry on a missing line: %v", err)
		}
		if _, err := f.svc.Answer(f.ctx, "ann", p, q.ID, "Yes: d1, 3,000 at 10 %."); err != nil {
			t.Fatal(err)
		}
		f.approveLock("ann", "2026-03")
		st := f.statement("ann", "2026-03")
		if len(st.Inquiries) != 1 {
			t.Fatalf("inquiries: %+v", st.Inquiries)
		}
		got := st.Inquiries[0]
		if got.Line != "commission.amount" || got.Text != "Is the deal of 5 March in?" || got.Answer != "Yes: d1, 3,000 at 10 %." || got.AskedBy != "test:manager" || got.AnsweredAt == nil {
			t.Errorf("inquiry: %+v", got)
		}
	})
}

func TestWorkspaceIsolation(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		f.approveLock("ann", "2026-03")
		other := kpi.Workspace{Slug: "other", Name: "Other", TimeZone: "UTC"}
		if err := f.wss.CreateWorkspace(context.Background(), &other); err != nil {
			t.Fatal(err)
		}
		ctx := kpi.NewContextWithWorkspace(context.Background(), other.ID)
		if _, err := f.svc.Statement(ctx, "ann", period(t, "2026-03")); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("statement from another workspace: %v", err)
		}
		if got, err := f.svc.Statements.FindStatements(ctx, kpi.StatementFilter{}); err != nil || len(got) != 0 {
			t.Errorf("stored statements of another workspace: %v, %v", got, err)
		}
		if _, err := f.svc.Statement(context.Background(), "ann", period(t, "2026-03")); kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
			t.Errorf("without a workspace: %v", err)
		}
	})
}
