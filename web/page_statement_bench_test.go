package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// BenchmarkStatementPages renders the statement page and the targets grid
// of the demo company server-side, as a sales manager's lead would open
// them: this month's statement of a rep, the grid of her team with
// proposals.
func BenchmarkStatementPages(b *testing.B) {
	w := apptest.Demo(b)
	ws := w.Report.Workspace
	root := kpi.Actor{WorkspaceID: ws.ID, Name: "bench", Role: kpi.RoleAdmin, System: true}
	tok, err := w.App.CreateToken(context.Background(), root, app.TokenRequest{Name: "bench-statement", Integration: true})
	if err != nil {
		b.Fatal(err)
	}
	h := (&Server{App: w.App, Logger: slog.New(slog.DiscardHandler)}).Handler()
	loc, _ := time.LoadLocation(ws.TimeZone)
	month := kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), loc)).Label()
	for _, page := range []struct{ name, path string }{
		{"statement", "/statements/anna.berger/" + month},
		{"targets", "/targets?kpi=won_value&unit=sales/key-accounts&period=" + month + "&method=average"},
	} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", page.path, nil)
				req.Header.Set("Authorization", "Bearer "+tok.Secret)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d: %.300s", page.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
