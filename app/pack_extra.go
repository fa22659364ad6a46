package app

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// TrendMonths is how many months a review pack's trends cover, ending
// with the pack's period.
const TrendMonths = 12

// ScoreTrend is a subject's total scorecard score, month by month; a
// month without a score (no scorecard, nothing to score) is nil.
type ScoreTrend struct {
	Subject kpi.Subject        `json:"subject"`
	Periods []kpi.Period       `json:"periods"`
	Totals  []*decimal.Decimal `json:"totals"`
}

// packExtras adds to a pack the period's awards of the people and units
// it covers, and each scorecard's 12-month trend of total scores.
func (a *App) packExtras(ctx, rctx context.Context, who kpi.Actor, pack *MeetingPack, subjects []kpi.Subject) error {
	pack.Awards, pack.Trends = []*kpi.Award{}, []ScoreTrend{}
	list, err := a.Awards(ctx, who, pack.Period.Label())
	if err != nil && kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		return err
	}
	if list != nil {
		for _, aw := range list.Awards {
			if slices.Contains(subjects, aw.Subject) {
				pack.Awards = append(pack.Awards, aw)
			}
		}
	}
	if pack.Period.Grain != kpi.Month || len(pack.Cards) == 0 {
		return nil
	}
	months := []kpi.Period{pack.Period}
	for len(months) < TrendMonths {
		months = append([]kpi.Period{kpi.PeriodOf(kpi.Month, months[0].From-1)}, months...)
	}
	index := map[kpi.Subject]int{}
	for _, c := range pack.Cards {
		index[c.Subject] = len(pack.Trends)
		pack.Trends = append(pack.Trends, ScoreTrend{Subject: c.Subject, Periods: months, Totals: make([]*decimal.Decimal, len(months))})
	}
	for i, m := range months {
		cards := pack.Cards
		if i < len(months)-1 {
			if cards, _, err = a.review.UnitCards(rctx, pack.Unit, m, ""); err != nil {
				continue // no scorecards that month: the points stay empty
			}
		}
		for _, c := range cards {
			if j, ok := index[c.Subject]; ok && !c.TotalNull {
				t := c.Total
				pack.Trends[j].Totals[i] = &t
			}
		}
	}
	return nil
}
