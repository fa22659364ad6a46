package browser

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdmin works the admin pages as the demo's admin: imports a CSV with
// one bad row (its columns named otherwise, one mapped by hand) and sees
// the bad row at its line and column and the good rows imported; validates
// a definitions text with a mistake and sees it at its line; finds the
// import in the audit log; checks the org tree's people counts against
// the API. A member is refused the admin pages.
func TestAdmin(t *testing.T) {
	ctx := browser(t, "admin")

	t.Run("Org", func(t *testing.T) {
		open(t, ctx, "/admin")
		screenshot(t, ctx, "admin-org")
		var units []struct {
			ID, Name string
		}
		api(t, "/api/v1/units", &units)
		var emps []struct {
			ID     string
			UnitID string `json:"unit_id"`
		}
		api(t, "/api/v1/employees", &emps)
		direct := map[string]int{}
		for _, e := range emps {
			direct[e.UnitID]++
		}
		for _, u := range units {
			got := texts(t, ctx, fmt.Sprintf(`tr[data-unit=%q] td:nth-child(4)`, u.ID))
			if len(got) != 1 || got[0] != strconv.Itoa(direct[u.ID]) {
				t.Errorf("unit %s: the page counts %v people, the API %d", u.ID, got, direct[u.ID])
			}
		}
	})

	t.Run("Import", func(t *testing.T) {
		// Line 3 has an amount that is no number; "Created" must be mapped
		// to created_at by hand, the rest is guessed by name.
		csv := "Deal ID,Owner,Account,Product,Stage,Amount,Created,Closed at\n" +
			"bt-1,amelie.krause,Browser Test GmbH,Stretch Film,Won,1200.50,2026-01-05,2026-01-20\n" +
			"bt-2,amelie.krause,Browser Test GmbH,Stretch Film,Won,twelve,2026-01-06,2026-01-21\n" +
			"bt-3,amelie.krause,Browser Test GmbH,Stretch Film,Lost,300,2026-01-07,2026-01-22\n"
		file := filepath.Join(t.TempDir(), "deals-january.csv")
		if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, "/admin/import")
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#i-ds`), "deals"),
			chromedp.SetUploadFiles(chromedp.CSS(`#i-file`), []string{file}),
			chromedp.Click(chromedp.CSS(`form[action="/admin/import"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`#import-run`)))
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		guessed := map[string]string{}
		for _, f := range []string{"deal_id", "owner", "amount", "created_at", "closed_at"} {
			v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#col-"+f)))
			if err != nil {
				t.Fatal(err)
			}
			guessed[f] = v
		}
		want := map[string]string{"deal_id": "Deal ID", "owner": "Owner", "amount": "Amount", "created_at": "", "closed_at": "Closed at"}
		for f, w := range want {
			if guessed[f] != w {
				t.Errorf("column %s guessed as %q, want %q", f, guessed[f], w)
			}
		}
		err = chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#col-created_at`), "Created"),
			chromedp.Click(chromedp.CSS(`#import-run button`)),
			chromedp.WaitVisible(chromedp.CSS(`.card.result`)))
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		screenshot(t, ctx, "admin-import")
		bad := texts(t, ctx, `table.problems tr[data-line="3"] td`)
		if len(bad) != 4 || bad[0] != "3" || bad[1] != "Amount" || bad[2] != "twelve" || !strings.Contains(bad[3], "not a number") {
			t.Errorf("the bad row: %q", bad)
		}
		if got := texts(t, ctx, `table.problems tbody tr`); len(got) != 1 {
			t.Errorf("%d problems listed, want 1: %q", len(got), got)
		}
		if got := texts(t, ctx, `.result .stat .big`); len(got) != 2 || got[0] != "2" || got[1] != "1" {
			t.Errorf("imported and rejected: %q, want 2 and 1", got)
		}
		var recs []struct {
			Key    string
			Values map[string]any
		}
		api(t, "/api/v1/datasets/deals/records?key=bt-1,bt-2,bt-3", &recs)
		if len(recs) != 2 || recs[0].Key != "bt-1" || recs[1].Key != "bt-3" || recs[0].Values["amount"] != "1200.50" || recs[0].Values["created_at"] != "2026-01-05" {
			t.Errorf("records after the import: %+v", recs)
		}
	})

	t.Run("Definitions", func(t *testing.T) {
		open(t, ctx, "/admin/definitions")
		text, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#yaml`)))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(text, "\n")
		line := 0
		for i, l := range lines {
			if strings.Contains(l, "aggregation: sum") {
				lines[i] = strings.Replace(l, "aggregation: sum", "aggregation: total", 1)
				line = i + 1
				break
			}
		}
		if line == 0 {
			t.Fatalf("no sum in the definitions:\n%.500s", text)
		}
		err = chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#yaml`), strings.Join(lines, "\n")),
			chromedp.Click(chromedp.CSS(`button[value=validate]`)),
			chromedp.WaitVisible(chromedp.CSS(`#problems`)))
		if err != nil {
			t.Fatalf("validate: %v", err)
		}
		screenshot(t, ctx, "admin-definitions")
		probs := texts(t, ctx, fmt.Sprintf(`li.problem[data-line="%d"] > a`, line))
		if len(probs) != 1 || probs[0] != fmt.Sprintf("Line %d", line) {
			t.Errorf("no problem at line %d: %q (all: %q)", line, probs, texts(t, ctx, "li.problem"))
		}
		marked := texts(t, ctx, `pre.excerpt span.bad`)
		if len(marked) == 0 || !strings.Contains(marked[0], "aggregation: total") || !strings.HasPrefix(marked[0], strconv.Itoa(line)+" ") {
			t.Errorf("the marked line: %q", marked)
		}
		kept, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#yaml`)))
		if !strings.Contains(kept, "aggregation: total") {
			t.Error("the text typed is lost")
		}
	})

	t.Run("Audit", func(t *testing.T) {
		open(t, ctx, "/admin/audit?entity=records")
		screenshot(t, ctx, "admin-audit")
		var entries []struct {
			ID       int64
			Entity   string
			EntityID string `json:"entity_id"`
		}
		api(t, "/api/v1/audit?entity=records&limit=1", &entries)
		if len(entries) != 1 || entries[0].EntityID != "deals" {
			t.Fatalf("the API's newest import entry: %+v", entries)
		}
		row := texts(t, ctx, fmt.Sprintf(`tr[data-id="%d"] td`, entries[0].ID))
		if len(row) < 5 || row[4] != "records deals" {
			t.Errorf("the import's entry on the page: %q", row)
		}
	})

	t.Run("Users", func(t *testing.T) {
		open(t, ctx, "/admin/users")
		var users []struct {
			Email string
			Role  string
		}
		api(t, "/api/v1/users", &users)
		for _, u := range users {
			role, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(fmt.Sprintf(`tr[data-email=%q] select[name=role]`, u.Email))))
			if err != nil || role != u.Role {
				t.Errorf("%s: the page's role %q (%v), the API's %q", u.Email, role, err, u.Role)
			}
		}
		if got := texts(t, ctx, "table.users tbody tr"); len(got) != len(users) {
			t.Errorf("%d users on the page, %d in the API", len(got), len(users))
		}
	})

	t.Run("MemberRefused", func(t *testing.T) {
		member := browser(t, "member")
		for _, path := range []string{"/admin", "/admin/import", "/admin/definitions", "/admin/users"} {
			open(t, member, path)
			if h := texts(t, member, "h1"); len(h) != 1 || h[0] != "Not yours to see" {
				t.Errorf("a member opens %s: %q", path, h)
			}
		}
		if links := texts(t, member, `nav a[href="/admin"]`); len(links) != 0 {
			t.Errorf("a member sees the Admin link")
		}
	})
}
