package attainyaml_test

import (
	"strings"
	"testing"

	"attain/attainyaml"
	"attain/kpi"
)

func TestAwards(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		defs, err := attainyaml.Load("attain.yaml", []byte(plansBase+`
awards:
  min_working_days: 12
  peers: rank
  rules:
    - {name: top-sellers, title: Top sellers, kind: top, metric: won_value, n: 3}
    - {name: over, kind: above, percent: 110.5}
    - {name: teams, kind: team, unit: sales}
  leaderboards:
    - name: mix
      min_at_threshold: 1
      metrics:
        - {kpi: won_value, weight: 60}
        - {kpi: score, weight: 40}
`))
		if err != nil {
			t.Fatal(err)
		}
		aw := defs.Awards
		if aw == nil || aw.MinWorkingDays != 12 || aw.Peers != kpi.PeersRank || len(aw.Rules) != 3 || len(aw.Leaderboards) != 1 {
			t.Fatalf("awards: %+v", aw)
		}
		if r := aw.Rules[1]; r.Kind != kpi.AwardAbove || r.Percent.String() != "110.5" {
			t.Errorf("rule: %+v", r)
		}
		if lb := aw.Leaderboards[0]; lb.MinAtThreshold != 1 || lb.Metrics[1].KPI != "score" || lb.Metrics[0].Weight.String() != "60" {
			t.Errorf("leaderboard: %+v", lb)
		}
		out, err := attainyaml.Marshal(defs)
		if err != nil {
			t.Fatal(err)
		}
		again, err := attainyaml.Load("again.yaml", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(again.Awards.Rules) != 3 || !again.Awards.Rules[1].Percent.Equal(aw.Rules[1].Percent) || again.Awards.Leaderboards[0].Name != "mix" {
			t.Errorf("round trip: %+v\n%s", again.Awards, out)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := attainyaml.Load("attain.yaml", []byte(plansBase+`
awards:
  peers: everything
  rules:
    - {name: top, kind: best, metric: won_value}
    - {name: top, kind: top, metric: lost_value, n: 1000}
    - {name: teams, kind: team}
  leaderboards:
    - name: won_value
      min_at_threshold: 3
      metrics:
        - {kpi: won_value, weight: 0}
`))
		if kpi.ErrorCode(err) != kpi.EINVALID {
			t.Fatalf("err = %v", err)
		}
		msg := err.Error()
		for _, want := range []string{
			`attain.yaml:16: column awards.peers value "everything": want none, rank or percent`,
			`attain.yaml:18: column awards.rules[0].kind value "best": want top, above, all_met, streak, most_improved, best_in_team or team`,
			`attain.yaml:19: column awards.rules[1].name value "top": the name is used twice`,
			`attain.yaml:19: column awards.rules[1].metric value "lost_value": unknown KPI`,
			`attain.yaml:19: column awards.rules[1].n value "1000": want 0 to 100`,
			`attain.yaml:20: column awards.rules[2].unit: a team award names the unit whose teams compete`,
			`attain.yaml:22: column awards.leaderboards[0].name value "won_value": the name of a KPI`,
			`attain.yaml:23: column awards.leaderboards[0].min_at_threshold value "3": want 0 to 1`,
			`attain.yaml:25: column awards.leaderboards[0].metrics[0].weight value "0": weight must be more than 0`,
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
	})
}
