package web

import (
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestPageAndAPIShareUseCase renders a scorecard with an HTML handler
// written here the way the web pages are, and checks that it shows the
// numbers the JSON API answers: both reach app.Scorecard with the same
// request and the same actor.
func TestPageAndAPIShareUseCase(t *testing.T) {
	a, who := apptest.Small(t)
	s := &Server{App: a, Logger: slog.New(slog.DiscardHandler)}
	page := template.Must(template.New("card").Parse(
		`{{range .Items}}<tr><th>{{.KPI}}</th><td>{{.Actual}}</td><td>{{.Score}}</td></tr>{{end}}<p>{{.Total}}</p>`))
	html := func(w http.ResponseWriter, r *http.Request) error {
		card, err := s.App.Scorecard(r.Context(), who, scorecardRequest(r.URL.Query()))
		if err != nil {
			return err
		}
		return page.Execute(w, card)
	}
	get := func(h http.Handler, target string) string {
		t.Helper()
		r := httptest.NewRequest("GET", target, nil)
		r = r.WithContext(withActor(r.Context(), who))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", target, w.Code, w.Body)
		}
		b, _ := io.ReadAll(w.Body)
		return string(b)
	}
	const q = "/scorecard?employee=bob&period=2025-06"
	body := get(s.wrap(html), q)
	var card app.Card
	if err := json.Unmarshal([]byte(get(s.wrap(s.getScorecard), "/api/v1"+q)), &card); err != nil {
		t.Fatal(err)
	}
	if len(card.Items) != 3 {
		t.Fatalf("the API's card has %d items, want 3", len(card.Items))
	}
	for _, it := range card.Items {
		want := "<tr><th>" + it.KPI + "</th><td>" + it.Actual.String() + "</td><td>" + it.Score.String() + "</td></tr>"
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s:\n%s", want, body)
		}
	}
	if want := "<p>" + card.Total.String() + "</p>"; !strings.Contains(body, want) {
		t.Errorf("the page lacks the total %s:\n%s", want, body)
	}
}

func TestEveryCodeHasAStatus(t *testing.T) {
	for _, code := range kpi.Codes {
		if _, ok := codes[code]; !ok {
			t.Errorf("error code %s has no HTTP status", code)
		}
	}
}
