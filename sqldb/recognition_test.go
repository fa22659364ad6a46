package sqldb_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

func TestAwardService(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		other := mustWorkspace(t, db, "other")
		s := sqldb.NewAwardService(db)
		june, _ := kpi.ParsePeriod("2025-06")
		july, _ := kpi.ParsePeriod("2025-07")

		if got, frozen, err := s.FindAwards(ctx, june); err != nil || frozen || len(got) != 0 {
			t.Fatalf("before: %v %v %v", got, frozen, err)
		}
		awards := []*kpi.Award{
			{Rule: "top", Title: "Top", Kind: kpi.AwardTop, Period: june, Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "cy"}, Name: "Cy",
				Metric: "score", Place: 1, Value: decimal.RequireFromString("115.25"), Reason: "1st", Provisional: true},
			{Rule: "team", Title: "Team", Kind: kpi.AwardTeam, Period: june, Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "t1"}, Name: "Team 1",
				Metric: "score", Place: 1, Value: decimal.RequireFromString("100"), Reason: "1st"},
		}
		if err := s.FreezeAwards(ctx, june, awards); err != nil {
			t.Fatal(err)
		}
		got, frozen, err := s.FindAwards(ctx, june)
		if err != nil || !frozen || len(got) != 2 {
			t.Fatalf("after: %v %v %v", got, frozen, err)
		}
		if a := got[0]; a.Rule != "top" || a.Subject.ID != "cy" || a.Value.String() != "115.25" || a.Provisional || a.FrozenAt == nil || a.Period != june {
			t.Errorf("first award: %+v", a)
		}
		if err := s.FreezeAwards(ctx, june, nil); kpi.ErrorCode(err) != kpi.ECONFLICT {
			t.Errorf("freezing again: err = %v", err)
		}
		// An empty period is frozen with no awards.
		if err := s.FreezeAwards(ctx, july, nil); err != nil {
			t.Fatal(err)
		}
		if got, frozen, err := s.FindAwards(ctx, july); err != nil || !frozen || len(got) != 0 {
			t.Errorf("july: %v %v %v", got, frozen, err)
		}
		// Another workspace sees none of it.
		if got, frozen, err := s.FindAwards(other, june); err != nil || frozen || len(got) != 0 {
			t.Errorf("other workspace: %v %v %v", got, frozen, err)
		}
	})
}
