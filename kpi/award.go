package kpi

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// AwardKind names what an award rule recognises.
type AwardKind string

const (
	// AwardTop: the first N places on a metric (ties share a place).
	AwardTop AwardKind = "top"
	// AwardAbove: everyone at or above Percent % of target on a metric.
	AwardAbove AwardKind = "above"
	// AwardAllMet: everyone at or above target on every KPI of their card.
	AwardAllMet AwardKind = "all_met"
	// AwardStreak: at or above Percent % (default 100) of target on a
	// metric N periods in a row, this one included.
	AwardStreak AwardKind = "streak"
	// AwardMostImproved: the first N places by the gain, in points of %
	// of target, against the mean of one's own N previous periods.
	AwardMostImproved AwardKind = "most_improved"
	// AwardBestInTeam: the first place on a metric within each team (the
	// unit a person belongs to directly).
	AwardBestInTeam AwardKind = "best_in_team"
	// AwardTeam: the first N units among the units directly below Unit,
	// on the units' own metric.
	AwardTeam AwardKind = "team"
)

// AwardKinds lists the kinds, in the order the docs describe them.
var AwardKinds = []AwardKind{AwardTop, AwardAbove, AwardAllMet, AwardStreak, AwardMostImproved, AwardBestInTeam, AwardTeam}

// MetricScore is the metric name of the weighted scorecard score.
const MetricScore = "score"

// AwardRule is one rule of the awards section of attain.yaml.
type AwardRule struct {
	Name  string    `json:"name"`
	Title string    `json:"title,omitempty"`
	Kind  AwardKind `json:"kind"`
	// Metric is a KPI of the scorecards (ranked by % of its target) or
	// MetricScore, the weighted score; "" is MetricScore.
	Metric string `json:"metric,omitempty"`
	// N: places (top, most_improved, team; default 1, top 3), periods in a
	// row (streak, default 3) or previous periods compared (most_improved,
	// through Periods).
	N int `json:"n,omitempty"`
	// Percent of target: the bar of above and streak (default 100).
	Percent decimal.Decimal `json:"percent,omitzero"`
	// Periods: how many own previous periods most_improved compares with
	// (default 3).
	Periods int `json:"periods,omitempty"`
	// Unit: team awards compare the units directly below it.
	Unit string `json:"unit,omitempty"`
	// Position limits the rule to people of one position ("" everyone).
	Position string `json:"position,omitempty"`
}

// Leaderboard is a multi-metric leaderboard: each person's blended % of
// target, weighted; Eligible counts who is ranked.
type Leaderboard struct {
	Name    string        `json:"name"`
	Title   string        `json:"title,omitempty"`
	Metrics []BoardMetric `json:"metrics"`
	// MinAtThreshold: only people with at least this many of the metrics
	// at or above their threshold are ranked (0: everyone with a value).
	MinAtThreshold int `json:"min_at_threshold,omitempty"`
}

// BoardMetric is one weighted metric of a Leaderboard.
type BoardMetric struct {
	KPI    string          `json:"kpi"`
	Weight decimal.Decimal `json:"weight"`
}

// Peer visibility on leaderboards: what a person sees of someone they
// may not otherwise see. Pay is never shown on a leaderboard.
const (
	PeersNone    = "none"    // only oneself (and one's team, for a manager)
	PeersRank    = "rank"    // names and ranks
	PeersPercent = "percent" // names, ranks and % of target (the default)
)

// Awards is the awards section of attain.yaml: the rules, the
// multi-metric leaderboards, who is eligible and what peers see.
type Awards struct {
	Rules        []*AwardRule   `json:"rules,omitempty"`
	Leaderboards []*Leaderboard `json:"leaderboards,omitempty"`
	// MinWorkingDays: a person competes in a period when employed (and
	// not on leave) at least this many of its working days, or all of
	// them when the period has fewer; 0 means DefaultMinWorkingDays.
	MinWorkingDays int `json:"min_working_days,omitempty"`
	// Peers is PeersNone, PeersRank or PeersPercent ("" is PeersPercent).
	Peers string `json:"peers,omitempty"`
}

// DefaultMinWorkingDays is the eligibility bar when none is set.
const DefaultMinWorkingDays = 10

// Award is one award earned in a period, with the numbers that earned it.
type Award struct {
	Rule    string    `json:"rule"`
	Title   string    `json:"title"`
	Kind    AwardKind `json:"kind"`
	Period  Period    `json:"period"`
	Subject Subject   `json:"subject"`
	Name    string    `json:"name"`
	Metric  string    `json:"metric"`
	// Place is the place on the metric (0 when the rule has none).
	Place int `json:"place,omitempty"`
	// Value is what earned it: % of target, score, points gained, or
	// periods in a row; Reason says it in words.
	Value  decimal.Decimal `json:"value"`
	Reason string          `json:"reason"`
	// Provisional: the period is not locked, the award may still change.
	Provisional bool       `json:"provisional"`
	FrozenAt    *time.Time `json:"frozen_at,omitempty"`
}

// AwardService keeps the awards of locked periods.
type AwardService interface {
	// FindAwards returns the stored awards of period p (of any grain
	// matching p exactly), and whether they were stored at all.
	FindAwards(ctx context.Context, p Period) ([]*Award, bool, error)
	// FreezeAwards stores the awards of p once; a second call keeps the
	// first and returns ECONFLICT.
	FreezeAwards(ctx context.Context, p Period, awards []*Award) error
}
