package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

// scorecardForm is the form a unit head sets the scorecard of a unit or
// person with, from a period on: each item on or off, its weight,
// threshold and stretch; the company's template and guardrails beside.
type scorecardForm struct {
	Subject, From, Reason string
	Scorecard             string
	InEffect              string // whose scorecard is in effect, in words
	Rows                  []scorecardRow
	Error                 string // for the whole form (the weights' sum, a locked period)
	Preview               string
	Effect                []string
	Missing               string // the subject has no scorecard
}

type scorecardRow struct {
	KPI, Title                 string
	On                         bool
	Weight, Threshold, Stretch string
	Template                   string // the company's: "30 % · 80 / 120"
	Guard                      string
	Errors                     map[string]string // by field: on, weight, threshold, stretch
}

// scorecardCell is one number of a row of the scorecard form.
type scorecardCell struct{ Field, Value, Error string }

// Cells are the row's weight, threshold and stretch, as typed, with their
// errors.
func (r scorecardRow) Cells() []scorecardCell {
	return []scorecardCell{{"weight", r.Weight, r.Errors["weight"]}, {"threshold", r.Threshold, r.Errors["threshold"]}, {"stretch", r.Stretch, r.Errors["stretch"]}}
}

// scorecardFormOf is the scorecard form: as typed (given, after an error
// or a preview), or read for the subject (sc_subject, default the first
// of scope) and period (sc_from, default this month) of the query.
func (s *Server) scorecardFormOf(r *http.Request, scope []app.LevelSubject, defs *kpi.Definitions, today kpi.Date, given *scorecardForm) (*scorecardForm, error) {
	if given != nil {
		return given, nil
	}
	q := r.URL.Query()
	f := &scorecardForm{Subject: q.Get("sc_subject"), From: q.Get("sc_from")}
	if f.Subject == "" && len(scope) > 0 {
		f.Subject = scope[0].Subject.Kind + ":" + scope[0].Subject.ID
	}
	if f.From == "" {
		f.From = kpi.PeriodOf(kpi.Month, today).Label()
	}
	emp, unit := splitSubject(f.Subject)
	v, err := s.App.ScorecardLevelsOf(r.Context(), who(r), emp, unit, f.From, "")
	if err != nil {
		if code := kpi.ErrorCode(err); code == kpi.EINVALID || code == kpi.ENOTFOUND || code == kpi.EFORBIDDEN {
			f.Missing = kpi.ErrorMessage(err)
			return f, nil
		}
		return nil, err
	}
	f.Scorecard = v.Template.Name
	f.InEffect = "the company's template " + v.Template.Name
	if v.Change != nil {
		f.InEffect = fmt.Sprintf("%s's change %d from %s (%s)", v.Change.By, v.Change.ID, v.Change.Period.From, strings.Join(v.Change.Changed, ", "))
	}
	for i, l := range v.Items {
		it := v.Template.Items[i]
		row := scorecardRow{KPI: l.KPI, Title: l.KPI, On: !l.Off, Weight: l.Weight.String(), Threshold: l.Threshold.String(), Stretch: l.Stretch.String()}
		if k := defs.KPI(l.KPI); k != nil && k.Title != "" {
			row.Title = k.Title
		}
		row.Template = fmt.Sprintf("%s %% · %s / %s", it.Weight, it.Threshold, it.Stretch)
		if it.Optional {
			row.Template += " · optional"
		}
		g := v.Guardrail[l.KPI]
		row.Guard = fmt.Sprintf("change ≤ %s %%, floor %s %%", g.MaxChange, g.Floor)
		if g.MinWeight != nil || g.MaxWeight != nil {
			row.Guard += ", weight " + g.WeightRange()
		}
		if g.Mandatory {
			row.Guard += ", mandatory"
		}
		f.Rows = append(f.Rows, row)
	}
	return f, nil
}

// splitSubject reads "employee:ID" or "unit:ID".
func splitSubject(s string) (employee, unit string) {
	kind, id, _ := strings.Cut(s, ":")
	switch kind {
	case kpi.SubjectEmployee:
		return id, ""
	case kpi.SubjectUnit:
		return "", id
	}
	return "", ""
}

// postScorecardLevels is the scorecard form: a change inside the
// guardrails applies, one outside waits; an invalid or refused one shows
// the form again as typed, each problem at its field.
func (s *Server) postScorecardLevels(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "Cannot read the form.")
	}
	f := &scorecardForm{Subject: r.PostFormValue("subject"), From: strings.TrimSpace(r.PostFormValue("from")),
		Reason: r.PostFormValue("reason"), Scorecard: r.PostFormValue("scorecard"), InEffect: r.PostFormValue("in_effect")}
	req := app.ScorecardLevelRequest{Scorecard: f.Scorecard, From: f.From, Reason: f.Reason, DryRun: r.PostFormValue("dry_run") == "true"}
	req.Employee, req.Unit = splitSubject(f.Subject)
	bad := false
	for _, k := range r.PostForm["item"] {
		row := scorecardRow{KPI: k, Title: r.PostFormValue("title." + k), On: r.PostFormValue("on."+k) == "true",
			Weight: strings.TrimSpace(r.PostFormValue("weight." + k)), Threshold: strings.TrimSpace(r.PostFormValue("threshold." + k)),
			Stretch: strings.TrimSpace(r.PostFormValue("stretch." + k)), Template: r.PostFormValue("template." + k), Guard: r.PostFormValue("guard." + k),
			Errors: map[string]string{}}
		on := row.On
		ch := app.ItemChange{KPI: k, On: &on}
		for _, fld := range []struct {
			name string
			text string
			to   **decimal.Decimal
		}{{"weight", row.Weight, &ch.Weight}, {"threshold", row.Threshold, &ch.Threshold}, {"stretch", row.Stretch, &ch.Stretch}} {
			d, err := decimal.NewFromString(fld.text)
			if err != nil {
				row.Errors[fld.name] = fmt.Sprintf("%q is not a number.", fld.text)
				bad = true
				continue
			}
			*fld.to = &d
		}
		f.Rows = append(f.Rows, row)
		req.Items = append(req.Items, ch)
	}
	if bad {
		return s.renderScorecardForm(w, r, http.StatusBadRequest, f)
	}
	res, err := s.App.SetScorecardLevels(r.Context(), who(r), req)
	if err != nil {
		if code := kpi.ErrorCode(err); code == kpi.EINVALID || code == kpi.ENOTFOUND || code == kpi.ECONFLICT {
			f.Error = kpi.ErrorMessage(err)
			var ke *kpi.Error
			if errors.As(err, &ke) {
				for _, p := range ke.Details {
					atField(f, p)
				}
			}
			return s.renderScorecardForm(w, r, http.StatusBadRequest, f)
		}
		return err
	}
	if req.DryRun {
		c := res.Change
		f.Preview = "Would be " + c.Status + ": " + c.Why
		for _, e := range res.Effect {
			f.Effect = append(f.Effect, fmt.Sprintf("%s: score %s → %s", e.Name, totalWords(e.Before), totalWords(e.After)))
		}
		return s.renderScorecardForm(w, r, http.StatusOK, f)
	}
	http.Redirect(w, r, "/strategy?"+pairs("period", r.URL.Query().Get("period"), "done", res.Change.Status, "sc_subject", f.Subject, "sc_from", f.From)+"#scorecard", http.StatusSeeOther)
	return nil
}

func (s *Server) renderScorecardForm(w http.ResponseWriter, r *http.Request, status int, f *scorecardForm) error {
	return s.renderStrategyWith(w, r, status, levelForm{}, libraryForm{}, f)
}

// atField puts problem p at its item's field ("items[won].weight"),
// reporting whether it found one.
func atField(f *scorecardForm, p kpi.Problem) bool {
	k, field, ok := strings.Cut(strings.TrimPrefix(p.Column, "items["), "].")
	if !ok {
		return false
	}
	for i := range f.Rows {
		if f.Rows[i].KPI == k {
			if f.Rows[i].Errors == nil {
				f.Rows[i].Errors = map[string]string{}
			}
			f.Rows[i].Errors[field] = p.Reason
			return true
		}
	}
	return false
}

func totalWords(d *decimal.Decimal) string {
	if d == nil {
		return "–"
	}
	return d.StringFixed(2)
}
