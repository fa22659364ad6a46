package attainyaml

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"attain/kpi"
)

// awardsDoc is the awards section: award rules, multi-metric
// leaderboards, who is eligible and what peers see (docs/recognition.md).
//
//	awards:
//	  min_working_days: 10   # employed at least this many working days of the period
//	  peers: percent         # none, rank or percent: what a person sees of peers
//	  rules:
//	    - {name: top-sellers, title: Top sellers, kind: top, metric: won_value, n: 3}
//	  leaderboards:
//	    - name: sales-mix
//	      min_at_threshold: 2
//	      metrics:
//	        - {kpi: deals_won, weight: 50}
//	        - {kpi: won_value, weight: 50}
type awardsDoc struct {
	MinWorkingDays string         `yaml:"min_working_days,omitempty"`
	Peers          string         `yaml:"peers,omitempty"`
	Rules          []awardRuleDoc `yaml:"rules,omitempty"`
	Leaderboards   []leaderDoc    `yaml:"leaderboards,omitempty"`
}

type awardRuleDoc struct {
	Name     string `yaml:"name"`
	Title    string `yaml:"title,omitempty"`
	Kind     string `yaml:"kind"`
	Metric   string `yaml:"metric,omitempty"`
	N        string `yaml:"n,omitempty"`
	Percent  number `yaml:"percent,omitempty"`
	Periods  string `yaml:"periods,omitempty"`
	Unit     string `yaml:"unit,omitempty"`
	Position string `yaml:"position,omitempty"`
}

type leaderDoc struct {
	Name           string           `yaml:"name"`
	Title          string           `yaml:"title,omitempty"`
	MinAtThreshold string           `yaml:"min_at_threshold,omitempty"`
	Metrics        []boardMetricDoc `yaml:"metrics"`
}

type boardMetricDoc struct {
	KPI    string `yaml:"kpi"`
	Weight number `yaml:"weight"`
}

// Limits of the awards section.
const (
	maxAwardRules   = 50
	maxLeaderboards = 20
	maxPlaces       = 100
)

func (v *validator) readInt(path, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.add(v.pos.lineAt(v.pos.awardsNode(), path), "awards."+path, s, "not a whole number")
	}
	return n
}

func (v *validator) readAwards(doc *awardsDoc) *kpi.Awards {
	if doc == nil {
		return nil
	}
	aw := &kpi.Awards{Peers: strings.TrimSpace(doc.Peers), MinWorkingDays: v.readInt("min_working_days", doc.MinWorkingDays)}
	for i, r := range doc.Rules {
		at := fmt.Sprintf("rules[%d]", i)
		rule := &kpi.AwardRule{Name: strings.TrimSpace(r.Name), Title: strings.TrimSpace(r.Title), Kind: kpi.AwardKind(strings.TrimSpace(r.Kind)),
			Metric: strings.TrimSpace(r.Metric), N: v.readInt(at+".n", r.N), Periods: v.readInt(at+".periods", r.Periods),
			Unit: strings.TrimSpace(r.Unit), Position: strings.TrimSpace(r.Position)}
		rule.Percent = v.readDecimal(v.pos.lineAt(v.pos.awardsNode(), at+".percent"), "awards."+at+".percent", r.Percent)
		aw.Rules = append(aw.Rules, rule)
	}
	for i, l := range doc.Leaderboards {
		at := fmt.Sprintf("leaderboards[%d]", i)
		lb := &kpi.Leaderboard{Name: strings.TrimSpace(l.Name), Title: strings.TrimSpace(l.Title), MinAtThreshold: v.readInt(at+".min_at_threshold", l.MinAtThreshold)}
		for j, m := range l.Metrics {
			w := v.readDecimal(v.pos.lineAt(v.pos.awardsNode(), fmt.Sprintf("%s.metrics[%d].weight", at, j)), fmt.Sprintf("awards.%s.metrics[%d].weight", at, j), m.Weight)
			lb.Metrics = append(lb.Metrics, kpi.BoardMetric{KPI: strings.TrimSpace(m.KPI), Weight: w})
		}
		aw.Leaderboards = append(aw.Leaderboards, lb)
	}
	return aw
}

// awards checks the awards section against the KPIs: every problem names
// its field (and line, from a file).
func (v *validator) awards(defs *kpi.Definitions) {
	aw := defs.Awards
	if aw == nil {
		return
	}
	bad := func(path, value, format string, args ...any) {
		v.add(v.pos.lineAt(v.pos.awardsNode(), path), "awards."+path, value, format, args...)
	}
	switch aw.Peers {
	case "", kpi.PeersNone, kpi.PeersRank, kpi.PeersPercent:
	default:
		bad("peers", aw.Peers, "want none, rank or percent")
	}
	if aw.MinWorkingDays < 0 || aw.MinWorkingDays > 366 {
		bad("min_working_days", strconv.Itoa(aw.MinWorkingDays), "want 0 to 366 working days")
	}
	if len(aw.Rules) > maxAwardRules {
		bad("rules", strconv.Itoa(len(aw.Rules)), "at most %d award rules", maxAwardRules)
	}
	if len(aw.Leaderboards) > maxLeaderboards {
		bad("leaderboards", strconv.Itoa(len(aw.Leaderboards)), "at most %d leaderboards", maxLeaderboards)
	}
	metric := func(path, name string) {
		if name != "" && name != kpi.MetricScore && defs.KPI(name) == nil {
			bad(path, name, "unknown KPI: want a KPI of a scorecard or %q", kpi.MetricScore)
		}
	}
	kinds := make([]string, len(kpi.AwardKinds))
	for i, k := range kpi.AwardKinds {
		kinds[i] = string(k)
	}
	seen := map[string]bool{}
	for i, r := range aw.Rules {
		at := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.Name == "":
			bad(at+".name", "", "an award rule needs a name")
		case seen[r.Name]:
			bad(at+".name", r.Name, "the name is used twice")
		case !validName(r.Name):
			bad(at+".name", r.Name, "use letters, digits, - and _")
		}
		seen[r.Name] = true
		if !slices.Contains(kpi.AwardKinds, r.Kind) {
			bad(at+".kind", string(r.Kind), "want %s", orList(kinds))
		}
		metric(at+".metric", r.Metric)
		if r.N < 0 || r.N > maxPlaces {
			bad(at+".n", strconv.Itoa(r.N), "want 0 to %d", maxPlaces)
		}
		if r.Periods < 0 || r.Periods > 24 {
			bad(at+".periods", strconv.Itoa(r.Periods), "want 0 to 24 periods")
		}
		if r.Percent.IsNegative() {
			bad(at+".percent", r.Percent.String(), "cannot be negative")
		}
		if r.Kind == kpi.AwardTeam && r.Unit == "" {
			bad(at+".unit", "", "a team award names the unit whose teams compete")
		}
		if r.Kind != kpi.AwardTeam && r.Unit != "" {
			bad(at+".unit", r.Unit, "only a team award names a unit")
		}
	}
	seen = map[string]bool{}
	for i, l := range aw.Leaderboards {
		at := fmt.Sprintf("leaderboards[%d]", i)
		switch {
		case l.Name == "":
			bad(at+".name", "", "a leaderboard needs a name")
		case seen[l.Name]:
			bad(at+".name", l.Name, "the name is used twice")
		case l.Name == kpi.MetricScore || defs.KPI(l.Name) != nil:
			bad(at+".name", l.Name, "the name of a KPI or of the score: pick another")
		case !validName(l.Name):
			bad(at+".name", l.Name, "use letters, digits, - and _")
		}
		seen[l.Name] = true
		if len(l.Metrics) < 1 || len(l.Metrics) > 10 {
			bad(at+".metrics", strconv.Itoa(len(l.Metrics)), "want 1 to 10 metrics")
		}
		for j, m := range l.Metrics {
			metric(fmt.Sprintf("%s.metrics[%d].kpi", at, j), m.KPI)
			if m.KPI == "" {
				bad(fmt.Sprintf("%s.metrics[%d].kpi", at, j), "", "missing KPI name")
			}
			if !m.Weight.IsPositive() {
				bad(fmt.Sprintf("%s.metrics[%d].weight", at, j), m.Weight.String(), "weight must be more than 0")
			}
		}
		if l.MinAtThreshold < 0 || l.MinAtThreshold > len(l.Metrics) {
			bad(at+".min_at_threshold", strconv.Itoa(l.MinAtThreshold), "want 0 to %d (the number of metrics)", len(l.Metrics))
		}
	}
}

func validName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func awardsDocOf(aw *kpi.Awards) *awardsDoc {
	if aw == nil {
		return nil
	}
	doc := &awardsDoc{Peers: aw.Peers}
	if aw.MinWorkingDays != 0 {
		doc.MinWorkingDays = strconv.Itoa(aw.MinWorkingDays)
	}
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, r := range aw.Rules {
		rd := awardRuleDoc{Name: r.Name, Title: r.Title, Kind: string(r.Kind), Metric: r.Metric, N: itoa(r.N), Periods: itoa(r.Periods), Unit: r.Unit, Position: r.Position}
		if !r.Percent.IsZero() {
			rd.Percent = numberOf(r.Percent)
		}
		doc.Rules = append(doc.Rules, rd)
	}
	for _, l := range aw.Leaderboards {
		ld := leaderDoc{Name: l.Name, Title: l.Title, MinAtThreshold: itoa(l.MinAtThreshold)}
		for _, m := range l.Metrics {
			ld.Metrics = append(ld.Metrics, boardMetricDoc{KPI: m.KPI, Weight: numberOf(m.Weight)})
		}
		doc.Leaderboards = append(doc.Leaderboards, ld)
	}
	return doc
}

func (p *Positions) awardsNode() *yaml.Node {
	if p == nil {
		return nil
	}
	return p.awards
}
