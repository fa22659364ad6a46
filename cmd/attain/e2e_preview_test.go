package main_test

import (
	"strings"
	"testing"
)

const previewYAML = `
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
  - {name: won, title: Won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, title: Won value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
  - {name: lost, title: Lost, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Lost"'}
  - {name: win_rate, title: Win rate, unit: percent, direction: higher, formula: won / (won + lost)}
`

// TestApplyDryRunPreview changes won to count lost deals too and previews
// it: the before and after of won and win_rate (which depends on it), for
// the company and its departments, only where they change; nothing is
// written.
func TestApplyDryRunPreview(t *testing.T) {
	db, dir := t.TempDir(), t.TempDir()
	attain(t, db, "apply", "-f", write(t, dir, "attain.yaml", previewYAML))
	attain(t, db, "org", "import", "--units", write(t, dir, "units.csv", "id,name,kind,parent_id\nco,Acme,company,\neast,East,department,co\nwest,West,department,co\nt1,Team 1,team,east\n"))
	attain(t, db, "org", "import", write(t, dir, "people.csv", "id,name,unit_id\nann,Ann,t1\nbob,Bob,east\ncy,Cy,west\n"))
	attain(t, db, "import", "deals", write(t, dir, "deals.csv", "id,rep,stage,amount,closed_on\n"+
		"d1,ann,Won,100,2017-04-10\nd2,cy,Won,50,2017-04-20\n"+
		"d3,bob,Won,200,2017-05-05\nd4,ann,Lost,10,2017-05-20\n"+
		"d5,cy,Lost,30,2017-06-03\nd6,bob,Open,70,2017-06-04\n"))
	changed := write(t, dir, "changed.yaml", strings.Replace(previewYAML, `filter: 'stage == "Won"'}
  - {name: won_value`, `filter: 'stage == "Won" or stage == "Lost"'}
  - {name: won_value`, 1))
	values := func() string {
		return attain(t, db, "kpi", "values", "--unit", "co,east,west", "--grain", "month", "--from", "2017-04-01", "--to", "2017-06-30", "--format", "csv")
	}
	valuesBefore := values()
	months := []string{"--preview-from", "2017-04-01", "--preview-to", "2017-06-30"}

	t.Run("Table", func(t *testing.T) {
		got := attain(t, db, append([]string{"apply", "-f", changed, "--dry-run"}, months...)...)
		// April has no lost deal: nothing changes. won_value and lost
		// are not touched.
		want := `~ kpi won
1 change(s) would be applied (dry run).

Values that would change (8):
KPI       SUBJECT  ID    PERIOD   BEFORE  AFTER   DELTA
won       unit     co    2017-05  1       2       +1
won       unit     co    2017-06  0       1       +1
won       unit     east  2017-05  1       2       +1
won       unit     west  2017-06  0       1       +1
win_rate  unit     co    2017-05  50.0 %  66.7 %  +16.7 points
win_rate  unit     co    2017-06  0.0 %   50.0 %  +50.0 points
win_rate  unit     east  2017-05  50.0 %  66.7 %  +16.7 points
win_rate  unit     west  2017-06  0.0 %   50.0 %  +50.0 points
`
		if got != want {
			t.Errorf("dry run:\n%s\nwant:\n%s", got, want)
		}
		if again := attain(t, db, append([]string{"apply", "-f", changed, "--dry-run"}, months...)...); again != got {
			t.Errorf("second dry run differs:\n%s\nfirst:\n%s", again, got)
		}
		if got := values(); got != valuesBefore {
			t.Errorf("kpi values changed by a dry run:\n%s\nwant:\n%s", got, valuesBefore)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		got := attain(t, db, append([]string{"apply", "-f", changed, "--dry-run", "--format", "csv", "--preview-to", "2017-05-31"}, months[:2]...)...)
		want := "kpi,subject,id,period,before,after,delta\n" +
			"won,unit,co,2017-05,1,2,1\n" +
			"won,unit,east,2017-05,1,2,1\n" +
			"win_rate,unit,co,2017-05,0.5,0.6666666667,0.1666666667\n" +
			"win_rate,unit,east,2017-05,0.5,0.6666666667,0.1666666667\n"
		if got != want {
			t.Errorf("dry run csv:\n%s\nwant:\n%s", got, want)
		}
	})

	// From 1 June: May keeps its numbers, June changes.
	t.Run("Effective", func(t *testing.T) {
		got := attain(t, db, append([]string{"apply", "-f", changed, "--dry-run", "--effective", "2017-06-01", "--format", "csv"}, months...)...)
		want := "kpi,subject,id,period,before,after,delta\n" +
			"won,unit,co,2017-06,0,1,1\n" +
			"won,unit,west,2017-06,0,1,1\n" +
			"win_rate,unit,co,2017-06,0,0.5,0.5\n" +
			"win_rate,unit,west,2017-06,0,0.5,0.5\n"
		if got != want {
			t.Errorf("dry run --effective:\n%s\nwant:\n%s", got, want)
		}
	})

	t.Run("NoValuesChange", func(t *testing.T) {
		// A new title changes the KPI, not its numbers.
		retitled := write(t, dir, "retitled.yaml", strings.Replace(previewYAML, "title: Lost,", "title: Lost deals,", 1))
		got := attain(t, db, append([]string{"apply", "-f", retitled, "--dry-run"}, months...)...)
		want := "~ kpi lost\n1 change(s) would be applied (dry run).\nNo values change.\n"
		if got != want {
			t.Errorf("dry run:\n%s\nwant:\n%s", got, want)
		}
	})

	t.Run("ErrPreviewWithoutDryRun", func(t *testing.T) {
		_, stderr, err := attainErr(db, "apply", "-f", changed, "--preview-from", "2017-04-01")
		if err == nil || !strings.Contains(stderr, "preview range (preview_from, preview_to) needs a dry run") {
			t.Errorf("err = %v, stderr = %q; want: a preview range needs a dry run", err, stderr)
		}
		if got := values(); got != valuesBefore {
			t.Errorf("kpi values changed:\n%s\nwant:\n%s", got, valuesBefore)
		}
	})

	// Nothing was applied: the real apply still changes won.
	if got := attain(t, db, "apply", "-f", changed); !strings.Contains(got, "~ kpi won\n1 change(s) applied.") {
		t.Errorf("apply after dry runs:\n%s", got)
	}
}
