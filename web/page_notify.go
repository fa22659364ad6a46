package web

import (
	"net/http"
	"strconv"

	"attain/app"
)

// notifyPages are the inbox: the signed-in person's notifications.
func (s *Server) notifyPages() []pageRoute {
	return []pageRoute{
		{"GET", "/inbox", false, s.pageInbox},
		{"POST", "/inbox/{id}/read", false, s.pageMarkRead},
	}
}

// inboxPage is the inbox, ready to show.
type inboxPage struct {
	Unread int
	Items  []inboxItem
	All    bool // the read ones shown too
}

type inboxItem struct {
	ID                int64
	Kind, KindClass   string
	Title, Body, Link string
	When, WhenISO     string
	Unread            bool
}

// kindLabels name each kind of event for its badge, with its colour.
var kindLabels = map[string][2]string{
	app.EventAward:             {"award", "good"},
	app.EventBehindPace:        {"behind pace", "bad"},
	app.EventRegression:        {"regression", "bad"},
	app.EventStatementReady:    {"to approve", "open"},
	app.EventStatementApproved: {"approved", "good"},
	app.EventInquiryAnswered:   {"answer", "info"},
	app.EventDigest:            {"digest", "info"},
}

func (s *Server) pageInbox(w http.ResponseWriter, r *http.Request) error {
	v, err := s.newView(r, "Inbox", "inbox")
	if err != nil {
		return err
	}
	in, err := s.App.Inbox(r.Context(), who(r))
	if err != nil {
		return err
	}
	pg := &inboxPage{Unread: in.Unread, All: r.URL.Query().Get("show") == "all"}
	for _, n := range in.Notifications {
		if !pg.All && n.ReadAt != nil {
			continue
		}
		label, ok := kindLabels[n.Kind]
		if !ok {
			label = [2]string{n.Kind, "info"}
		}
		pg.Items = append(pg.Items, inboxItem{ID: n.ID, Kind: label[0], KindClass: label[1], Title: n.Title, Body: n.Body, Link: n.Link,
			When: v.F.Time(n.CreatedAt), WhenISO: n.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), Unread: n.ReadAt == nil})
	}
	v.Data = pg
	return s.render(w, r, "inbox", v)
}

// pageMarkRead marks a notification read and goes back to the inbox.
func (s *Server) pageMarkRead(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		id = 0
	}
	if _, err := s.App.MarkRead(r.Context(), who(r), id); err != nil {
		return err
	}
	to := "/inbox"
	if r.PostFormValue("show") == "all" {
		to += "?show=all"
	}
	http.Redirect(w, r, to+"#inbox", http.StatusSeeOther)
	return nil
}
