package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// TestAdminImportServers: an upload kept by one server is mapped, run,
// polled and its rejected rows downloaded through another on the same
// store (two Apps, as two `attain serve` processes behind a load
// balancer, or one restarted); another person does not see it, and it
// expires an hour after the upload.
func TestAdminImportServers(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a1, admin := apptest.SmallOn(t, db)
		a2 := apptest.New(db)
		ctx := context.Background()
		client := func(a *app.App, name string) *adminClient {
			tok, err := a1.CreateToken(ctx, admin, app.TokenRequest{Name: name, Integration: true})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
			t.Cleanup(srv.Close)
			return &adminClient{t: t, srv: srv, tok: tok.Secret, a: a, who: admin}
		}
		one := client(a1, "uploads")
		two := &adminClient{t: t, srv: client(a2, "other").srv, tok: one.tok, a: a2, who: admin}
		file := "Deal ID;Sales rep;Stage;Amount;Closed on\n" +
			"s1;bob;Won;10;2025-07-01\n" +
			"s2;bob;Won;lots;2025-07-02\n"
		status, loc, body := one.upload("deals", "servers.csv", file)
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/import/") {
			t.Fatalf("upload: %d %s: %.500s", status, loc, body)
		}
		if status, _, body := two.do("GET", loc, "", nil); status != 200 || !strings.Contains(body, "servers.csv") {
			t.Fatalf("the other server's mapping page: %d: %.300s", status, body)
		}
		mapping := url.Values{"skip_invalid": {"true"}, "col.id": {"Deal ID"}, "col.rep": {"Sales rep"}, "col.stage": {"Stage"},
			"col.amount": {"Amount"}, "col.closed_on": {"Closed on"}}
		if status, loc2, body := two.post(loc, mapping); status != http.StatusSeeOther || loc2 != loc {
			t.Fatalf("run on the other server: %d %s: %.500s", status, loc2, body)
		}
		status, _, body = one.do("GET", loc+"/progress", "", nil)
		var p struct {
			Read, Size    int64
			Running, Done bool
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil || status != 200 {
			t.Fatalf("progress: %d %s", status, body)
		}
		if !p.Done || p.Running || p.Read != int64(len(file)) || p.Size != int64(len(file)) {
			t.Errorf("progress on the first server: %+v, want done, %d of %d bytes", p, len(file), len(file))
		}
		_, _, body = one.do("GET", loc, "", nil)
		mustContain(t, body, `<div class="big" data-value="1">1</div>`, `<tr data-line="3"><td class="num">3</td><td>Amount</td><td><code>lots</code></td>`)
		status, _, body = one.do("GET", loc+"/rejected.csv", "", nil)
		if want := "line,reason,Deal ID,Sales rep,Stage,Amount,Closed on\n3,"; status != 200 || !strings.HasPrefix(body, want) {
			t.Errorf("rejected rows from the first server: %d\n%s\nwant %s…", status, body, want)
		}
		// Running it again while it runs elsewhere is refused: the mark is
		// in the store.
		id := strings.TrimPrefix(loc, "/admin/import/")
		if err := sqldb.NewImportJobService(db).StartImportJob(kpi.NewContextWithWorkspace(ctx, admin.WorkspaceID), id, time.Minute); err != nil {
			t.Fatal(err)
		}
		if status, _, body := one.post(loc, mapping); status != http.StatusConflict {
			t.Errorf("run while running on another server: %d: %.300s", status, body)
		}
		// A server that died mid-import leaves a lease that runs out: two
		// minutes later the job shows as not running and runs again.
		db.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		t.Cleanup(func() { db.Now = time.Now })
		status, _, body = two.do("GET", loc+"/progress", "", nil)
		if err := json.Unmarshal([]byte(body), &p); err != nil || status != 200 || p.Running {
			t.Errorf("progress after the lease ran out: %d %s, want not running", status, body)
		}
		if status, _, body := one.post(loc, mapping); status != http.StatusSeeOther {
			t.Errorf("run after the lease ran out: %d: %.300s", status, body)
		}
		// Another person's token does not see it.
		if status, _, _ := client(a1, "someone-else").do("GET", loc, "", nil); status != http.StatusNotFound {
			t.Errorf("another person's view of the job: %d, want 404", status)
		}
		// An hour later it is gone.
		db.Now = func() time.Time { return time.Now().Add(sqldb.ImportJobLife + time.Minute) }
		t.Cleanup(func() { db.Now = time.Now })
		if status, _, _ := two.do("GET", loc, "", nil); status != http.StatusNotFound {
			t.Errorf("the job an hour later: %d, want 404", status)
		}
	})
}
