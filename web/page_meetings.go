package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

// meetingPage is the review pack of a unit and period, with the forms of
// the meeting: comment, reply, propose, accept or reject.
type meetingPage struct {
	Pack      *app.MeetingPack
	Unit      string
	Period    string
	Columns   []column
	Rows      []meetingRow
	Attention []concern
	Pilots    []meetingPilot
	Proposals []meetingProposal
	Comments  []meetingComment
	Subjects  []option
	KPIs      []option
	Admin     bool
	Error     string
	Form      meetingForm // what was typed, kept when it is refused
	XLSX      string
	PDF       string
	Extra     template.HTML // trends and awards (page_pilot_boxes.go)
}

type meetingForm struct {
	Which                     string // comment, propose
	Subject, KPI, Text, Value string
	Why, Parent               string
}

type meetingRow struct {
	Name, Link, Total, TotalRaw string
	Cells                       []meetingCell
}

type meetingCell struct {
	Actual, Target, Achievement, ActualRaw, Class string
	Empty                                         bool
}

type meetingPilot struct {
	Link, Name, Days, Current, Shadow string
	Sentences                         []string
}

type meetingProposal struct {
	ID                        int64
	What, Who, Why, By, Value string
	Before, After             *figureRow
	Rows                      []string
}

// figureRow is a scorecard's figures of one KPI, formatted.
type figureRow struct {
	Target, TargetRaw, Actual, Achievement, Score, Total string
}

func figureOf(f *Formatter, k *kpi.KPI, c app.CardFigures) *figureRow {
	r := &figureRow{Target: f.Value(k, c.Target, false), TargetRaw: c.Target.String(), Actual: f.Value(k, c.Actual, false),
		Achievement: "–", Score: f.Number(c.Score, 1), Total: "–"}
	if !c.AchievementNull {
		r.Achievement = f.Number(c.Achievement, 1) + "\u00a0%"
	}
	if !c.TotalNull {
		r.Total = f.Number(c.Total, 1)
	}
	return r
}

type meetingComment struct {
	ID                  int64
	Reply               bool
	About, By, At, Text string
	Resolved            string
}

func (s *Server) pageMeeting(w http.ResponseWriter, r *http.Request) error {
	return s.renderMeeting(w, r, meetingForm{}, "")
}

func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, form meetingForm, formErr string) error {
	v, err := s.newView(r, "Review meeting", "meetings")
	if err != nil {
		return err
	}
	unit := r.URL.Query().Get("unit")
	if unit == "" {
		unit = v.Me.Home
	}
	period := v.period(r, "unit")
	q := app.MeetingQuery{Unit: unit, Period: period}
	pack, err := s.App.MeetingPack(r.Context(), who(r), q)
	if err != nil {
		return err
	}
	defs, err := s.App.Definitions(r.Context(), who(r))
	if err != nil {
		return err
	}
	f := v.F
	v.Title = "Review meeting: " + pack.UnitName
	pg := &meetingPage{Pack: pack, Unit: unit, Period: period, Admin: v.Me.MayAdmin, Error: formErr, Form: form,
		XLSX: "/api/v1/meetings/pack.xlsx?" + pairs("unit", unit, "period", period),
		PDF:  "/api/v1/meetings/pack.pdf?" + pairs("unit", unit, "period", period)}
	name := func(id string) string {
		if n := pack.Names[id]; n != "" {
			return n
		}
		return id
	}
	if len(pack.Cards) > 0 {
		for _, it := range pack.Cards[0].Items {
			title := it.KPI
			if k := defs.KPI(it.KPI); k != nil && k.Title != "" {
				title = k.Title
			}
			pg.Columns = append(pg.Columns, column{KPI: it.KPI, Title: title})
			pg.KPIs = append(pg.KPIs, option{Value: it.KPI, Label: title})
		}
	}
	for _, c := range pack.Cards {
		link := "/people/" + c.Subject.ID + "?" + pairs("period", period)
		if c.Subject.Kind == kpi.SubjectUnit {
			link = "/team?" + pairs("unit", c.Subject.ID, "period", period)
		}
		row := meetingRow{Name: name(c.Subject.ID), Link: link, Total: "–"}
		if !c.TotalNull {
			row.Total, row.TotalRaw = f.Number(c.Total, 1), c.Total.String()
		}
		for _, col := range pg.Columns {
			cell := meetingCell{Empty: true}
			for _, it := range c.Items {
				if it.KPI != col.KPI {
					continue
				}
				k := defs.KPI(it.KPI)
				cell = meetingCell{Actual: f.Value(k, it.Actual, it.ActualNull), Target: f.Value(k, it.Target, false), ActualRaw: it.Actual.String()}
				if !it.AchievementNull {
					cell.Achievement = f.Number(it.Achievement, 0) + "\u00a0%"
				}
				_, cell.Class = statusBadge(it.Status)
			}
			row.Cells = append(row.Cells, cell)
		}
		pg.Rows = append(pg.Rows, row)
		pg.Subjects = append(pg.Subjects, option{Value: c.Subject.Kind + ":" + c.Subject.ID, Label: name(c.Subject.ID)})
	}
	pg.Extra = s.packExtra(f, pack, name)
	if pack.Attention != nil {
		for _, c := range pack.Attention.Concerns {
			con := concern{Link: "/people/" + c.Subject.ID + "?" + pairs("period", period), Name: name(c.Subject.ID), Points: c.Points}
			for _, reason := range c.Reasons {
				con.Reasons = append(con.Reasons, reason.Text)
			}
			pg.Attention = append(pg.Attention, con)
		}
	}
	for _, rep := range pack.Pilots {
		mp := meetingPilot{Link: fmt.Sprintf("/pilots/%d", rep.Pilot.ID), Name: rep.Pilot.Name, Days: f.Date(rep.Window.From) + " – " + f.Date(rep.Window.To),
			Current: f.Money(rep.Current, rep.Currency), Shadow: f.Money(rep.Shadow, rep.Currency)}
		for _, k := range rep.KPIs {
			mp.Sentences = append(mp.Sentences, k.Sentence)
		}
		pg.Pilots = append(pg.Pilots, mp)
	}
	for _, p := range pack.Proposals {
		mp := meetingProposal{ID: p.ID, Why: p.Why, By: p.By}
		k := defs.KPI(p.KPI)
		title := p.KPI
		if k != nil && k.Title != "" {
			title = k.Title
		}
		if p.Kind == kpi.ProposeTarget {
			mp.What = fmt.Sprintf("Target of %s for %s, %s", title, name(p.Subject.ID), p.Period.Label())
			mp.Value = f.Value(k, *p.Value, false)
		} else {
			mp.What = fmt.Sprintf("New definition of %s", title)
		}
		if pv, err := s.App.Proposal(r.Context(), who(r), p.ID); err == nil {
			if pv.Target != nil {
				mp.Before, mp.After = figureOf(f, k, pv.Target.Before), figureOf(f, k, pv.Target.After)
			}
			for _, row := range pv.Definition {
				b, a := "–", "–"
				if row.Before != nil {
					b = f.Value(k, *row.Before, false)
				}
				if row.After != nil {
					a = f.Value(k, *row.After, false)
				}
				mp.Rows = append(mp.Rows, fmt.Sprintf("%s, %s: %s → %s", name(row.Subject.ID), row.Period.Label(), b, a))
			}
		}
		pg.Proposals = append(pg.Proposals, mp)
	}
	for _, c := range pack.Comments {
		mc := meetingComment{ID: c.ID, Reply: c.Parent != 0, By: c.By, At: f.Time(c.At), Text: c.Text}
		about := name(c.Subject.ID)
		if c.KPI != "" {
			t := c.KPI
			if k := defs.KPI(c.KPI); k != nil && k.Title != "" {
				t = k.Title
			}
			about += " · " + t
		}
		mc.About = about + " · " + c.Period.Label()
		if c.ResolvedAt != nil {
			mc.Resolved = "resolved by " + c.ResolvedBy
		}
		pg.Comments = append(pg.Comments, mc)
	}
	if formErr != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	v.Data = pg
	return s.render(w, r, "meetings", v)
}

// back is the meeting page a form returns to.
func back(r *http.Request) string {
	return "/meetings?" + pairs("unit", r.PostFormValue("unit"), "period", r.PostFormValue("period"))
}

// refused shows the meeting page again with what was typed and why it
// was refused, for the errors a person can fix.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, form meetingForm, err error) error {
	c := kpi.ErrorCode(err)
	if c != kpi.EINVALID && c != kpi.ENOTFOUND && c != kpi.ECONFLICT {
		return err
	}
	q := r.URL.Query()
	q.Set("unit", r.PostFormValue("unit"))
	q.Set("period", r.PostFormValue("period"))
	r.URL.RawQuery = q.Encode()
	return s.renderMeeting(w, r, form, kpi.ErrorMessage(err))
}

func (s *Server) pageAddComment(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "The form cannot be read.")
	}
	form := meetingForm{Which: "comment", Subject: r.PostFormValue("subject"), KPI: r.PostFormValue("kpi"), Text: r.PostFormValue("text"), Parent: r.PostFormValue("parent")}
	in := app.CommentInput{KPI: form.KPI, Period: r.PostFormValue("period"), Text: form.Text}
	if form.Parent != "" {
		in.Parent, _ = strconv.ParseInt(form.Parent, 10, 64)
	} else {
		kind, id, _ := strings.Cut(form.Subject, ":")
		if kind == kpi.SubjectUnit {
			in.Unit = id
		} else {
			in.Employee = id
		}
	}
	if r.PostFormValue("resolve") != "" {
		if _, err := s.App.ResolveComment(r.Context(), who(r), in.Parent); err != nil {
			return s.refused(w, r, form, err)
		}
	} else if _, err := s.App.AddComment(r.Context(), who(r), in); err != nil {
		return s.refused(w, r, form, err)
	}
	http.Redirect(w, r, back(r)+"#comments", http.StatusSeeOther)
	return nil
}

func (s *Server) pagePropose(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "The form cannot be read.")
	}
	form := meetingForm{Which: "propose", Subject: r.PostFormValue("subject"), KPI: r.PostFormValue("kpi"), Value: r.PostFormValue("value"), Why: r.PostFormValue("why")}
	in := app.ProposalInput{Kind: kpi.ProposeTarget, KPI: form.KPI, Period: r.PostFormValue("period"), Why: form.Why}
	kind, id, _ := strings.Cut(form.Subject, ":")
	if kind == kpi.SubjectUnit {
		in.Unit = id
	} else {
		in.Employee = id
	}
	if form.Value != "" {
		d, err := decimal.NewFromString(strings.TrimSpace(form.Value))
		if err != nil {
			return s.refused(w, r, form, kpi.Errorf(kpi.EINVALID, "value: %q is not a number.", form.Value))
		}
		in.Value = &d
	}
	if _, err := s.App.Propose(r.Context(), who(r), in); err != nil {
		return s.refused(w, r, form, err)
	}
	http.Redirect(w, r, back(r)+"#proposals", http.StatusSeeOther)
	return nil
}

func (s *Server) pageDecide(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "The form cannot be read.")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return kpi.Errorf(kpi.ENOTFOUND, "No proposal %q.", r.PathValue("id"))
	}
	if _, err := s.App.DecideProposal(r.Context(), who(r), id, r.PostFormValue("decision") == "accept", r.PostFormValue("reason")); err != nil {
		return s.refused(w, r, meetingForm{Which: "decide"}, err)
	}
	http.Redirect(w, r, back(r)+"#proposals", http.StatusSeeOther)
	return nil
}
