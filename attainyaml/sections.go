package attainyaml

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"attain/kpi"
)

// The calendar, scorecards and targets sections are read as text first, so
// that a weekday, a date or a number that cannot be read is reported on its
// line with the other problems, and numbers keep their exact digits.

type calendarDoc struct {
	Weekend  *[]string    `yaml:"weekend,omitempty"` // nil: the default weekend; empty: none
	Holidays []holidayDoc `yaml:"holidays,omitempty"`
	Pace     string       `yaml:"pace,omitempty"`
}

type holidayDoc struct {
	Date number `yaml:"date"` // written unquoted too
	Name string `yaml:"name,omitempty"`
}

type scorecardDoc struct {
	Name     string     `yaml:"name"`
	Position string     `yaml:"position"`
	Missing  string     `yaml:"missing,omitempty"`
	Items    []*itemDoc `yaml:"items"`
}

type itemDoc struct {
	KPI       string    `yaml:"kpi"`
	Weight    number    `yaml:"weight"`
	Basis     string    `yaml:"basis"`
	Threshold number    `yaml:"threshold"`
	Target    number    `yaml:"target,omitempty"`
	Stretch   number    `yaml:"stretch"`
	Curve     *curveDoc `yaml:"curve,omitempty"`
	Objective string    `yaml:"objective,omitempty"` // the objective the item serves
	Optional  bool      `yaml:"optional,omitempty"`  // scored only where a unit head switches it on
}

type curveDoc struct {
	Kind  string    `yaml:"kind,omitempty"`
	Steps []stepDoc `yaml:"steps,omitempty"`
	Cap   number    `yaml:"cap,omitempty"`
}

type stepDoc struct {
	Achievement number `yaml:"achievement"`
	Score       number `yaml:"score"`
}

type targetDoc struct {
	KPI      string `yaml:"kpi"`
	Period   string `yaml:"period"`
	Unit     string `yaml:"unit,omitempty"`
	Employee string `yaml:"employee,omitempty"`
	Value    number `yaml:"value"`
}

// number is a decimal (or a date) as written in the file; it is written
// back as a plain, unquoted scalar.
type number string

func (n number) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: string(n)}, nil
}

func numberOf(d decimal.Decimal) number { return number(d.String()) }

// readDecimal reads n; "" is zero. A number that cannot be read is reported
// at path and read as zero.
func (v *validator) readDecimal(line int, path string, n number) decimal.Decimal {
	if n == "" {
		return decimal.Decimal{}
	}
	d, err := decimal.NewFromString(strings.TrimSpace(string(n)))
	if err != nil {
		v.add(line, path, string(n), "not a number")
		return decimal.Decimal{}
	}
	if d.IsZero() {
		return decimal.Decimal{} // one zero, so that definitions compare equal
	}
	return d
}

// readOptional reads n, nil when it is left out.
func (v *validator) readOptional(path string, n number) *decimal.Decimal {
	if strings.TrimSpace(string(n)) == "" {
		return nil
	}
	d := v.readDecimal(0, path, n)
	return &d
}

var weekdays = map[string]time.Weekday{}

func init() {
	for d := time.Sunday; d <= time.Saturday; d++ {
		weekdays[strings.ToLower(d.String())] = d
	}
}

func (v *validator) readCalendar(doc *calendarDoc) *kpi.Calendar {
	if doc == nil {
		return nil
	}
	cal := &kpi.Calendar{Pace: strings.TrimSpace(doc.Pace)}
	if doc.Weekend != nil {
		cal.Weekend = []time.Weekday{}
		for i, name := range *doc.Weekend {
			d, ok := weekdays[strings.ToLower(strings.TrimSpace(name))]
			if !ok {
				path := fmt.Sprintf("weekend[%d]", i)
				v.add(v.pos.lineAt(v.pos.calendarNode(), path), "calendar."+path, name, "unknown weekday: want monday, tuesday, wednesday, thursday, friday, saturday or sunday")
				continue
			}
			cal.Weekend = append(cal.Weekend, d)
		}
	}
	for i, h := range doc.Holidays {
		path := fmt.Sprintf("holidays[%d].date", i)
		d, err := kpi.ParseDate(strings.TrimSpace(string(h.Date)))
		if err != nil {
			v.add(v.pos.lineAt(v.pos.calendarNode(), path), "calendar."+path, string(h.Date), "not a date: want YYYY-MM-DD")
			continue
		}
		cal.Holidays = append(cal.Holidays, kpi.Holiday{Date: d, Name: h.Name})
	}
	return cal
}

func (v *validator) readScorecards(docs []*scorecardDoc) []*kpi.ScorecardTemplate {
	var ts []*kpi.ScorecardTemplate
	for i, doc := range docs {
		node := v.pos.scorecard(i)
		if doc == nil {
			v.add(v.pos.lineAt(node, ""), fmt.Sprintf("scorecards[%d]", i), "", "empty scorecard")
			continue
		}
		path := fmt.Sprintf("scorecards[%s]", label(doc.Name, i))
		t := &kpi.ScorecardTemplate{Name: doc.Name, Position: doc.Position, Missing: kpi.MissingRule(doc.Missing)}
		for j, it := range doc.Items {
			field := func(f string) string { return fmt.Sprintf("items[%d].%s", j, f) }
			num := func(f string, n number) decimal.Decimal {
				return v.readDecimal(v.pos.lineAt(node, field(f)), path+"."+field(f), n)
			}
			if it == nil {
				v.add(v.pos.lineAt(node, fmt.Sprintf("items[%d]", j)), fmt.Sprintf("%s.items[%d]", path, j), "", "empty item")
				continue
			}
			// A level left out would read as 0, which may well pass as a
			// level: ask for it.
			required := map[string]number{"weight": it.Weight, "threshold": it.Threshold, "stretch": it.Stretch}
			if it.Basis != string(kpi.LevelsPlan) {
				required["target"] = it.Target
			}
			for _, f := range []string{"weight", "threshold", "target", "stretch"} {
				if n, ok := required[f]; ok && strings.TrimSpace(string(n)) == "" {
					v.add(v.pos.lineAt(node, fmt.Sprintf("items[%d]", j)), path+"."+field(f), "", "%s is required", f)
				}
			}
			item := kpi.ScorecardItem{
				KPI:       it.KPI,
				Weight:    num("weight", it.Weight),
				Basis:     kpi.LevelBasis(it.Basis),
				Threshold: num("threshold", it.Threshold),
				Target:    num("target", it.Target),
				Stretch:   num("stretch", it.Stretch),
				Objective: it.Objective,
				Optional:  it.Optional,
			}
			if c := it.Curve; c != nil {
				item.Curve = kpi.Curve{Kind: kpi.CurveKind(c.Kind), Cap: num("curve.cap", c.Cap)}
				for k, s := range c.Steps {
					step := fmt.Sprintf("curve.steps[%d].", k)
					item.Curve.Steps = append(item.Curve.Steps, kpi.Step{
						Achievement: num(step+"achievement", s.Achievement),
						Score:       num(step+"score", s.Score),
					})
				}
			}
			t.Items = append(t.Items, item)
		}
		ts = append(ts, t)
	}
	return ts
}

func calendarDocOf(cal *kpi.Calendar) *calendarDoc {
	if cal == nil {
		return nil
	}
	doc := &calendarDoc{Pace: cal.Pace}
	if cal.Weekend != nil {
		names := []string{}
		for _, d := range cal.Weekend {
			names = append(names, strings.ToLower(d.String()))
		}
		doc.Weekend = &names
	}
	for _, h := range cal.Holidays {
		doc.Holidays = append(doc.Holidays, holidayDoc{Date: number(h.Date.String()), Name: h.Name})
	}
	return doc
}

func scorecardDocsOf(ts []*kpi.ScorecardTemplate) []*scorecardDoc {
	var docs []*scorecardDoc
	for _, t := range ts {
		doc := &scorecardDoc{Name: t.Name, Position: t.Position, Missing: string(t.Missing)}
		for _, it := range t.Items {
			item := &itemDoc{
				KPI:       it.KPI,
				Weight:    numberOf(it.Weight),
				Basis:     string(it.Basis),
				Threshold: numberOf(it.Threshold),
				Stretch:   numberOf(it.Stretch),
				Objective: it.Objective,
				Optional:  it.Optional,
			}
			if it.Basis != kpi.LevelsPlan || !it.Target.IsZero() {
				item.Target = numberOf(it.Target)
			}
			if c := it.Curve; c.Kind != "" || len(c.Steps) > 0 || !c.Cap.IsZero() {
				item.Curve = &curveDoc{Kind: string(c.Kind)}
				if !c.Cap.IsZero() {
					item.Curve.Cap = numberOf(c.Cap)
				}
				for _, s := range c.Steps {
					item.Curve.Steps = append(item.Curve.Steps, stepDoc{Achievement: numberOf(s.Achievement), Score: numberOf(s.Score)})
				}
			}
			doc.Items = append(doc.Items, item)
		}
		docs = append(docs, doc)
	}
	return docs
}

// calendar checks the weekend, the holidays and the pace method.
func (v *validator) calendar(cal *kpi.Calendar) {
	if cal == nil {
		return
	}
	switch cal.Pace {
	case "", kpi.PaceLinear, kpi.PaceShape:
	default:
		v.add(v.pos.lineAt(v.pos.calendarNode(), "pace"), "calendar.pace", cal.Pace, "unknown pace method: want linear or shape")
	}
	seen := map[time.Weekday]bool{}
	for i, d := range cal.Weekend {
		path := fmt.Sprintf("weekend[%d]", i)
		switch {
		case d < time.Sunday || d > time.Saturday:
			v.add(v.pos.lineAt(v.pos.calendarNode(), path), "calendar."+path, strconv.Itoa(int(d)), "unknown weekday")
		case seen[d]:
			v.add(v.pos.lineAt(v.pos.calendarNode(), path), "calendar."+path, strings.ToLower(d.String()), "weekday listed twice")
		}
		seen[d] = true
	}
	dates := map[kpi.Date]bool{}
	for i, h := range cal.Holidays {
		path := fmt.Sprintf("holidays[%d].date", i)
		if dates[h.Date] {
			v.add(v.pos.lineAt(v.pos.calendarNode(), path), "calendar."+path, h.Date.String(), "holiday listed twice")
		}
		dates[h.Date] = true
	}
}

// scorecardName is looser than a KPI name: scorecards are never referred
// to in expressions, so sales-manager is fine.
var scorecardName = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// scorecards checks each template with its own Validate, on the lines of
// the file, and that names and positions are unique.
func (v *validator) scorecards(defs *kpi.Definitions) {
	names, positions := map[string]bool{}, map[string]string{}
	for i, t := range defs.Scorecards {
		node := v.pos.scorecard(i)
		path := fmt.Sprintf("scorecards[%s]", label(t.Name, i))
		switch {
		case t.Name == "": // reported by Validate
		case !scorecardName.MatchString(t.Name):
			v.add(v.pos.lineAt(node, "name"), path+".name", t.Name, "scorecard name must be lower case letters, digits, _ and -, starting with a letter")
		case names[t.Name]:
			v.add(v.pos.lineAt(node, "name"), path+".name", t.Name, "duplicate scorecard name")
		}
		names[t.Name] = true
		if other, dup := positions[t.Position]; dup && t.Position != "" {
			v.add(v.pos.lineAt(node, "position"), path+".position", t.Position, "position already has scorecard %s", other)
		} else {
			positions[t.Position] = label(t.Name, i)
		}
		err := t.Validate(defs)
		if err == nil {
			continue
		}
		probs := kpi.ErrorDetails(err)
		if len(probs) == 0 {
			v.add(v.pos.lineAt(node, ""), path, "", "%s", kpi.ErrorMessage(err))
		}
		for _, p := range probs {
			v.add(v.pos.lineAt(node, p.Column), path+"."+p.Column, p.Value, "%s", p.Reason)
		}
	}
}

// targets checks the targets of a file against defs and turns them into
// inputs: the KPI exists, exactly one of unit and employee is set, the
// period and the value can be read, and no target is listed twice.
func (v *validator) targets(defs *kpi.Definitions, docs []*targetDoc) []kpi.TargetInput {
	var in []kpi.TargetInput
	type key struct {
		kpi      string
		subject  kpi.Subject
		from, to kpi.Date
	}
	seen := map[key]int{}
	for i, t := range docs {
		path := fmt.Sprintf("targets[%d]", i)
		node := v.pos.target(i)
		line := func(field string) int { return v.pos.lineAt(node, field) }
		if t == nil {
			v.add(line(""), path, "", "empty target")
			continue
		}
		ok := true
		bad := func(field, value, format string, args ...any) {
			col := path
			if field != "" {
				col += "." + field
			}
			v.add(line(field), col, value, format, args...)
			ok = false
		}
		switch {
		case t.KPI == "":
			bad("kpi", "", "kpi is required")
		case defs.KPI(t.KPI) == nil:
			bad("kpi", t.KPI, "no such KPI")
		}
		var subject kpi.Subject
		switch {
		case t.Unit != "" && t.Employee != "":
			bad("employee", t.Employee, "a target is for a unit or an employee, not both")
		case t.Unit != "":
			subject = kpi.Subject{Kind: kpi.SubjectUnit, ID: t.Unit}
		case t.Employee != "":
			subject = kpi.Subject{Kind: kpi.SubjectEmployee, ID: t.Employee}
		default:
			bad("", "", "a target needs a unit or an employee")
		}
		var period kpi.Period
		if strings.TrimSpace(t.Period) == "" {
			bad("period", "", "period is required")
		} else if p, err := kpi.ParsePeriod(t.Period); err != nil {
			bad("period", t.Period, "not a period: want 2026-06-03, 2026-W22, 2026-06, 2026-Q2, 2026 or 2026-06-01..2026-06-21")
		} else {
			period = p
		}
		var value decimal.Decimal
		if strings.TrimSpace(string(t.Value)) == "" {
			bad("value", "", "value is required")
		} else if d, err := decimal.NewFromString(strings.TrimSpace(string(t.Value))); err != nil {
			bad("value", string(t.Value), "not an exact decimal number")
		} else {
			value = d
		}
		if !ok {
			continue
		}
		k := key{t.KPI, subject, period.From, period.To}
		if j, dup := seen[k]; dup {
			bad("", "", "same KPI, subject and period as targets[%d]", j)
			continue
		}
		seen[k] = i
		in = append(in, kpi.TargetInput{KPI: t.KPI, Subject: subject, Period: period, Value: &value})
	}
	return in
}

func (p *Positions) calendarNode() *yaml.Node {
	if p == nil {
		return nil
	}
	return p.calendar
}

func (p *Positions) scorecard(i int) *yaml.Node {
	if p == nil || i >= len(p.scorecards) {
		return nil
	}
	return p.scorecards[i]
}

func (p *Positions) target(i int) *yaml.Node {
	if p == nil || i >= len(p.targets) {
		return nil
	}
	return p.targets[i]
}

var pathSegment = regexp.MustCompile(`^([^\[\]]*)((?:\[\d+\])*)$`)

// lineAt returns the line of the field at path under n: path is like
// items[2].curve.steps[0].score. A scalar's line is that of its value, a
// mapping's or sequence's that of its key; where the path leaves the file
// (a field left out), the line of the last part found. 0 if n is nil.
func (p *Positions) lineAt(n *yaml.Node, path string) int {
	if p == nil || n == nil {
		return 0
	}
	line := n.Line
	if path == "" {
		return line
	}
	for _, part := range strings.Split(path, ".") {
		m := pathSegment.FindStringSubmatch(part)
		if m == nil {
			return line
		}
		if m[1] != "" {
			var val *yaml.Node
			for _, kv := range pairs(n) {
				if kv[0].Value == m[1] {
					val = kv[1]
					line = kv[0].Line
					break
				}
			}
			if val == nil {
				return line
			}
			n = val
			if n.Kind == yaml.ScalarNode {
				line = n.Line
				if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
					line++
				}
			}
		}
		for _, idx := range strings.Split(strings.Trim(m[2], "[]"), "][") {
			if idx == "" {
				continue
			}
			i, _ := strconv.Atoi(idx)
			items := seq(n)
			if i >= len(items) {
				return line
			}
			n = items[i]
			line = n.Line
		}
	}
	return line
}
