package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestAPIDryRunPreview: PUT /api/v1/definitions?dry_run=true answers the
// changes and the values they would change; without dry_run the answer
// stays the list of changes.
func TestAPIDryRunPreview(t *testing.T) {
	acme, _ := newTestAPI(t)
	acme.must("PUT", "/api/v1/definitions", "application/yaml", testYAML, 200)
	acme.must("POST", "/api/v1/org/import", "", `{
		"units": [{"id": "co", "name": "Acme"}, {"id": "east", "name": "East", "parent_id": "co"}, {"id": "west", "name": "West", "parent_id": "co"}],
		"employees": [{"id": "ann", "name": "Ann", "unit_id": "east"}, {"id": "cy", "name": "Cy", "unit_id": "west"}]
	}`, 200)
	acme.must("POST", "/api/v1/datasets/deals/records", "text/csv", "id;rep;stage;amount;closed_on\nd1;ann;Won;100;2017-06-01\nd2;cy;Lost;;2017-06-02\n", 200)
	changed := strings.Replace(testYAML, `filter: 'stage == "Lost"'`, `filter: 'stage == "Lost" or stage == "Open"'`, 1)
	changed = strings.Replace(changed, `filter: 'stage == "Won"'}`+"\n  - {name: lost", `filter: 'stage in ["Won", "Lost"]'}`+"\n  - {name: lost", 1)

	t.Run("DryRun", func(t *testing.T) {
		got := acme.must("PUT", "/api/v1/definitions?dry_run=true&preview_from=2017-06-01&preview_to=2017-06-30", "application/yaml", changed, 200)
		june := `"period":{"grain":"month","from":"2017-06-01","to":"2017-06-30"}`
		want := `{"dry_run":true,"changes":[{"action":"update","kind":"kpi","name":"won"},{"action":"update","kind":"kpi","name":"lost"}],"preview":[` +
			`{"kpi":"won","subject":{"kind":"unit","id":"co"},` + june + `,"before":"1","after":"2","delta":"1","changed":true},` +
			`{"kpi":"won","subject":{"kind":"unit","id":"west"},` + june + `,"before":"0","after":"1","delta":"1","changed":true},` +
			`{"kpi":"win_rate","subject":{"kind":"unit","id":"co"},` + june + `,"before":"0.5","after":"0.6666666667","delta":"0.1666666667","changed":true},` +
			`{"kpi":"win_rate","subject":{"kind":"unit","id":"west"},` + june + `,"before":"0","after":"0.5","delta":"0.5","changed":true}],"targets":0,"targets_stored":0}`
		if compact(t, got) != want {
			t.Errorf("dry run =\n%s\nwant\n%s", compact(t, got), want)
		}
	})
	t.Run("ErrPreviewFrom", func(t *testing.T) {
		status, got := acme.do("PUT", "/api/v1/definitions?dry_run=true&preview_from=June", "application/yaml", changed)
		if status != 400 || !strings.Contains(got, "preview_from") {
			t.Errorf("status %d: %s; want 400 naming preview_from", status, got)
		}
	})
	t.Run("Apply", func(t *testing.T) {
		got := acme.must("PUT", "/api/v1/definitions", "application/yaml", changed, 200)
		if want := `{"dry_run":false,"changes":[{"action":"update","kind":"kpi","name":"won"},{"action":"update","kind":"kpi","name":"lost"}],"targets":0,"targets_stored":0}`; compact(t, got) != want {
			t.Errorf("apply = %s, want %s", compact(t, got), want)
		}
	})
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return b.String()
}
