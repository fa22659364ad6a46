package review

import (
	"context"

	"attain/calc/score"
	"attain/kpi"
)

// Attention is who among a manager's people needs help in a period, most
// urgent first, and whose scorecard could not be made (and why).
type Attention struct {
	Manager  string          `json:"manager"`
	Period   kpi.Period      `json:"period"`
	Concerns []score.Concern `json:"concerns"`
	Skipped  []Skipped       `json:"skipped,omitempty"`
}

// Skipped is a person left out of a review, with the reason.
type Skipped struct {
	Employee string `json:"employee"`
	Reason   string `json:"reason"`
}

// Attention reviews the direct reports of manager in period p.
func (s *Service) Attention(ctx context.Context, manager string, p kpi.Period) (*Attention, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	if e.employee(manager) == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Employee %q not found.", manager)
	}
	out := &Attention{Manager: manager, Period: p, Concerns: []score.Concern{}}
	var signals []score.Signal
	for _, emp := range e.org.Employees {
		if emp.ManagerID != manager {
			continue
		}
		subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID}
		card, err := s.card(ctx, e, subj, p, "", false)
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			out.Skipped = append(out.Skipped, Skipped{Employee: emp.ID, Reason: kpi.ErrorMessage(err)})
			continue
		} else if err != nil {
			return nil, err
		}
		signals = append(signals, cardSignals(e.defs, card)...)
	}
	if c := score.Attention(signals); c != nil {
		out.Concerns = c
	}
	return out, nil
}

// cardSignals gives one signal per KPI of a card: its definition,
// scorecard item, pace and progress.
func cardSignals(defs *kpi.Definitions, card *Card) []score.Signal {
	var out []score.Signal
	for i := range card.Items {
		it := &card.Items[i]
		sig := score.Signal{Subject: card.Subject, KPI: it.KPI, Def: defs.KPI(it.KPI), Item: it}
		for j := range card.Pace {
			if card.Pace[j].KPI == it.KPI {
				sig.Pace = &card.Pace[j].Pace
			}
		}
		for j := range card.Progress {
			if card.Progress[j].KPI == it.KPI {
				sig.Progress = &card.Progress[j]
			}
		}
		out = append(out, sig)
	}
	return out
}
