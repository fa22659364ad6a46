package web

import (
	"net/http"
	"strings"

	"attain/app"
	"attain/kpi"
)

// The definitions tab: the workspace's attain.yaml in an editor;
// Validate shows each problem at its line, Preview runs the dry run (what
// would change, and how the values would move per month), Apply stores it
// with a reason and the day it takes effect.

type defsTab struct {
	Form     *fields // yaml, reason, effective
	Problems []defProblem
	Valid    string // what a valid text holds
	Changes  []kpi.Change
	Preview  []previewRow
	DryRun   bool
	Lines    int
}

// defProblem is a problem of the text with the lines around it.
type defProblem struct {
	kpi.Problem
	Around []srcLine
}

type srcLine struct {
	N    int
	Text string
	Bad  bool
}

type previewRow struct {
	KPI, Subject, Period    string
	Before, After, Delta    string
	BeforeV, AfterV, DeltaV string
	DeltaClass              string
}

// maxDefProblems is how many problems the page lists with their lines.
const maxDefProblems = 50

func (s *Server) pageAdminDefinitions(w http.ResponseWriter, r *http.Request) error {
	v, p, err := s.adminView(r, "definitions", "Admin · Definitions")
	if err != nil {
		return err
	}
	text, err := s.App.DefinitionsYAML(r.Context(), who(r))
	if err != nil {
		return err
	}
	f := newFields()
	f.V["yaml"] = string(text)
	p.Defs = &defsTab{Form: f, Lines: strings.Count(f.V["yaml"], "\n") + 1}
	return s.render(w, r, "admin", v)
}

// adminDefinitions validates, previews or applies the text sent.
func (s *Server) adminDefinitions(w http.ResponseWriter, r *http.Request) error {
	v, p, err := s.adminView(r, "definitions", "Admin · Definitions")
	if err != nil {
		return err
	}
	f := fieldsOf(r, "reason", "effective", "do", "preview_from", "preview_to")
	f.V["yaml"] = r.PostFormValue("yaml") // as typed, spaces and all
	t := &defsTab{Form: f, Lines: strings.Count(f.V["yaml"], "\n") + 1}
	p.Defs = t
	ctx, me, src := r.Context(), who(r), []byte(f.V["yaml"])
	const source = "attain.yaml"
	var ferr error
	switch f.V["do"] {
	case "preview":
		f.date("effective")
		f.date("preview_from")
		f.date("preview_to")
		if f.failed() {
			break
		}
		res, err := s.App.Apply(ctx, me, app.ApplyRequest{Source: source, YAML: src, DryRun: true, Effective: f.V["effective"],
			PreviewFrom: f.V["preview_from"], PreviewTo: f.V["preview_to"]})
		if err != nil {
			ferr = err
			break
		}
		t.DryRun, t.Changes = true, res.Changes
		units, err := s.App.Units(ctx, me)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, u := range units {
			names[u.ID] = u.Name
		}
		for _, row := range res.Preview {
			k := res.KPI(row.KPI)
			subject := row.Subject.Kind + " " + row.Subject.ID
			if n := names[row.Subject.ID]; n != "" && row.Subject.Kind == kpi.SubjectUnit {
				subject = n
			}
			pr := previewRow{KPI: row.KPI, Subject: subject, Period: row.Period.Label(), Before: "–", After: "–", Delta: "–"}
			if k != nil && k.Title != "" {
				pr.KPI = k.Title
			}
			if row.Before != nil {
				pr.Before, pr.BeforeV = v.F.Value(k, *row.Before, false), row.Before.String()
			}
			if row.After != nil {
				pr.After, pr.AfterV = v.F.Value(k, *row.After, false), row.After.String()
			}
			if row.Delta != nil {
				pr.Delta, pr.DeltaV = v.F.Value(k, *row.Delta, false), row.Delta.String()
				switch row.Delta.Sign() {
				case 1:
					pr.Delta, pr.DeltaClass = "+"+pr.Delta, "up"
				case -1:
					pr.DeltaClass = "down"
				}
			}
			t.Preview = append(t.Preview, pr)
		}
	case "apply":
		f.require("reason")
		f.date("effective")
		if f.failed() {
			break
		}
		res, err := s.App.Apply(ctx, me, app.ApplyRequest{Source: source, YAML: src, Effective: f.V["effective"], Reason: f.V["reason"]})
		if err != nil {
			ferr = err
			break
		}
		return done(w, r, "/admin/definitions", "applied", plural(len(res.Changes), "change"))
	default: // validate
		file, err := s.App.ValidateDefinitions(ctx, me, source, src)
		if err != nil {
			ferr = err
			break
		}
		d := file.Definitions
		t.Valid = "Valid: " + plural(len(d.Datasets), "dataset") + ", " + plural(len(d.KPIs), "KPI") + ", " +
			plural(len(d.Scorecards), "scorecard template") + ", " + plural(len(d.BonusPlans), "bonus plan") + ", " + plural(len(file.Targets), "target") + "."
	}
	if ferr != nil {
		if err := f.fail(ferr, "reason", "reason", "effective", "effective", "preview_from", "preview_from", "preview_to", "preview_to"); err != nil {
			return err
		}
		lines := strings.Split(f.V["yaml"], "\n")
		for i, prob := range kpi.ErrorDetails(ferr) {
			if i == maxDefProblems {
				break
			}
			dp := defProblem{Problem: prob}
			for n := prob.Line - 2; prob.Line > 0 && n <= prob.Line+2; n++ {
				if n >= 1 && n <= len(lines) {
					dp.Around = append(dp.Around, srcLine{N: n, Text: lines[n-1], Bad: n == prob.Line})
				}
			}
			t.Problems = append(t.Problems, dp)
		}
	}
	return s.renderForm(w, r, v, f.failed())
}

// plural writes n and a noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(int64(n)) + " " + noun + "s"
}
