package review

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

// Rescore returns card scored again with changed actuals (KPI → new
// actual), for a what-if: see Rescored. card is not modified.
func (s *Service) Rescore(ctx context.Context, card *Card, changes map[string]decimal.Decimal) (*Card, error) {
	defs, err := s.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	return Rescored(defs, card, changes)
}

// Rescored scores card again with score.Score and changed actuals: the
// same template version (the one in effect on the card's first day, as
// the card was scored), the
// same targets the card had (after any proration for a partial period),
// the same share of an open period expected so far, the other actuals as
// they were. Each changed item notes the change ("what-if: days 5.2 → 2");
// a KPI that is not on the card is an error (EINVALID, or ENOTFOUND when
// the workspace has no such KPI). The card's prorations are kept; its pace
// and progress are kept for the KPIs that did not change and left out for
// those that did, since they describe the real actuals. An item the card
// left out for a negative target is rescored without one (still left out
// of the total).
func Rescored(defs *kpi.Definitions, card *Card, changes map[string]decimal.Decimal) (*Card, error) {
	if card == nil || card.Scorecard == nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Rescoring needs a scorecard.")
	}
	p, subj := card.Period, card.Subject
	tmpl := card.tmpl // as the unit heads' scorecard changes set it
	if tmpl == nil {
		tmpl = defs.ScorecardNamed(card.Template, p.From)
	}
	if tmpl == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "No scorecard template %q in effect on %s.", card.Template, p.From)
	}
	same := len(tmpl.Items) == len(card.Items)
	for i := 0; same && i < len(tmpl.Items); i++ {
		same = tmpl.Items[i].KPI == card.Items[i].KPI
	}
	if !same {
		return nil, kpi.Errorf(kpi.ECONFLICT, "The scorecard template %q changed since the card of %s for %s was made; show it again.", card.Template, subj, p.Label())
	}
	var unknown []string
	for name := range changes {
		if !slices.ContainsFunc(card.Items, func(it score.Item) bool { return it.KPI == name }) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		on := make([]string, len(card.Items))
		for i, it := range card.Items {
			on[i] = it.KPI
		}
		code := kpi.EINVALID
		if defs.KPI(unknown[0]) == nil {
			code = kpi.ENOTFOUND
		}
		return nil, kpi.Errorf(code, "What-if on %s: not on the scorecard %s, which has %s.", strings.Join(unknown, ", "), card.Template, strings.Join(on, ", "))
	}
	var actuals []kpi.KPIValue
	var targets []*kpi.Target
	shares, records := map[string]score.Share{}, map[string]decimal.Decimal{}
	open := false
	for i, it := range card.Items {
		if it.ToDate != nil {
			shares[it.KPI] = it.ToDate.Share
		}
		if a := it.Allowance; a != nil {
			open = true
			if a.Record != nil {
				records[it.KPI] = *a.Record
			}
		}
		v, changed := changes[it.KPI]
		switch {
		case changed:
			actuals = append(actuals, kpi.KPIValue{KPI: it.KPI, Subject: subj, Period: p, Value: v})
		case !it.ActualNull:
			actuals = append(actuals, kpi.KPIValue{KPI: it.KPI, Subject: subj, Period: p, Value: it.Actual})
		}
		// A plan-based item's Target is the subject's target as scored
		// (of the whole period, before an open period's cut to date).
		if tmpl.Items[i].Basis == kpi.LevelsPlan && it.Status != score.StatusNoTarget {
			t := it.Target
			if it.ToDate != nil {
				t = it.ToDate.Target
			}
			targets = append(targets, &kpi.Target{KPI: it.KPI, Subject: subj, Period: p, Value: t})
		}
	}
	sc, err := score.Score(score.Input{Template: tmpl, KPIs: defs, Subject: subj, Period: p, Actuals: actuals, Targets: targets,
		Shares: shares, Records: records, Open: open})
	if err != nil {
		return nil, err
	}
	out := &Card{Scorecard: sc, AsOf: card.AsOf, Open: card.Open, State: card.State, Elapsed: card.Elapsed,
		WorkingDays: card.WorkingDays, Standing: card.Standing, PaceMethod: card.PaceMethod, Prorations: card.Prorations, defs: defs}
	for i := range sc.Items {
		it := &sc.Items[i]
		v, ok := changes[it.KPI]
		if !ok {
			continue
		}
		was := card.Items[i].Actual.String()
		if card.Items[i].ActualNull {
			was = "no actual"
		}
		it.Notes = append(it.Notes, fmt.Sprintf("what-if: %s %s → %s", it.KPI, was, v))
	}
	for _, pc := range card.Pace {
		if _, ok := changes[pc.KPI]; !ok {
			out.Pace = append(out.Pace, pc)
		}
	}
	for _, pr := range card.Progress {
		if _, ok := changes[pr.KPI]; !ok {
			out.Progress = append(out.Progress, pr)
		}
	}
	return out, nil
}
