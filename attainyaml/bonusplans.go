package attainyaml

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"attain/calc/bonus"
	"attain/kpi"
)

// bonusPlanDoc is one entry of bonus_plans: a plan (the document of a
// PLAN.yaml, inline) and whom it is assigned to, when.
type bonusPlanDoc struct {
	Name   string      `yaml:"name"`
	Plan   yaml.Node   `yaml:"plan"`
	Assign []assignDoc `yaml:"assign"`
}

type assignDoc struct {
	Position string `yaml:"position,omitempty"`
	Employee string `yaml:"employee,omitempty"`
	From     number `yaml:"from,omitempty"`
	To       number `yaml:"to,omitempty"`
}

// readBonusPlans reads each inline plan with bonus.ParsePlan (problems on
// the lines of the file) and stores it as JSON; the plan's name defaults
// to the entry's.
func (v *validator) readBonusPlans(docs []*bonusPlanDoc) []*kpi.BonusPlan {
	var out []*kpi.BonusPlan
	for i, doc := range docs {
		node := v.pos.bonusPlan(i)
		if doc == nil {
			v.add(v.pos.lineAt(node, ""), fmt.Sprintf("bonus_plans[%d]", i), "", "empty bonus plan")
			continue
		}
		path := fmt.Sprintf("bonus_plans[%s]", label(doc.Name, i))
		bp := &kpi.BonusPlan{Name: doc.Name}
		for j, a := range doc.Assign {
			at := fmt.Sprintf("assign[%d]", j)
			pa := kpi.PlanAssignment{Position: strings.TrimSpace(a.Position), Employee: strings.TrimSpace(a.Employee)}
			for _, d := range []struct {
				field string
				n     number
				dst   **kpi.Date
			}{{"from", a.From, &pa.From}, {"to", a.To, &pa.To}} {
				if strings.TrimSpace(string(d.n)) == "" {
					continue
				}
				date, err := kpi.ParseDate(strings.TrimSpace(string(d.n)))
				if err != nil {
					v.add(v.pos.lineAt(node, at+"."+d.field), path+"."+at+"."+d.field, string(d.n), "not a date: want YYYY-MM-DD")
					continue
				}
				*d.dst = &date
			}
			bp.Assign = append(bp.Assign, pa)
		}
		if doc.Plan.Kind == 0 {
			v.add(v.pos.lineAt(node, ""), path+".plan", "", "a bonus plan needs its plan (the fields of a PLAN.yaml)")
			out = append(out, bp)
			continue
		}
		plan := doc.Plan
		if plan.Kind == yaml.MappingNode && !hasKey(&plan, "name") {
			plan.Content = append([]*yaml.Node{
				{Kind: yaml.ScalarNode, Value: "name"}, {Kind: yaml.ScalarNode, Value: doc.Name},
			}, plan.Content...)
		}
		data, err := yaml.Marshal(&plan)
		if err != nil {
			v.add(v.pos.lineAt(node, "plan"), path+".plan", "", "cannot read the plan: %v", err)
			continue
		}
		p, err := bonus.ParsePlan("", data)
		if err != nil {
			planNode := v.pos.lineAtNode(node, "plan")
			for _, prob := range kpi.ErrorDetails(err) {
				line := v.pos.lineAt(planNode, prob.Column)
				if prob.Column == "" && prob.Line > 0 && planNode != nil {
					line = planNode.Line + prob.Line - 1
				}
				col := path + ".plan"
				if prob.Column != "" {
					col += "." + prob.Column
				}
				v.add(line, col, prob.Value, "%s", prob.Reason)
			}
			if len(kpi.ErrorDetails(err)) == 0 {
				v.add(v.pos.lineAt(node, "plan"), path+".plan", "", "%s", kpi.ErrorMessage(err))
			}
			out = append(out, bp)
			continue
		}
		if bp.Plan, err = json.Marshal(p); err != nil {
			v.add(v.pos.lineAt(node, "plan"), path+".plan", "", "cannot store the plan: %v", err)
		}
		out = append(out, bp)
	}
	return out
}

func hasKey(n *yaml.Node, key string) bool {
	for _, kv := range pairs(n) {
		if kv[0].Value == key {
			return true
		}
	}
	return false
}

var looseID = regexp.MustCompile(`^\S+$`)

// bonusPlans checks the bonus plans of defs: unique names, each plan valid
// and reading only KPIs that exist, each assignment naming a position or an
// employee id with ordered dates, and no two assignments of the same
// position or employee overlapping in time.
func (v *validator) bonusPlans(defs *kpi.Definitions) {
	names := map[string]bool{}
	type span struct {
		plan     string
		from, to kpi.Date
	}
	spans := map[string][]span{}
	const (
		minDate = kpi.Date(-1 << 30)
		maxDate = kpi.Date(1 << 30)
	)
	for i, bp := range defs.BonusPlans {
		node := v.pos.bonusPlan(i)
		path := fmt.Sprintf("bonus_plans[%s]", label(bp.Name, i))
		switch {
		case bp.Name == "":
			v.add(v.pos.lineAt(node, ""), path+".name", "", "a bonus plan needs a name")
		case !scorecardName.MatchString(bp.Name):
			v.add(v.pos.lineAt(node, "name"), path+".name", bp.Name, "bonus plan name must be lower case letters, digits, _ and -, starting with a letter")
		case names[bp.Name]:
			v.add(v.pos.lineAt(node, "name"), path+".name", bp.Name, "duplicate bonus plan name")
		}
		names[bp.Name] = true
		if len(bp.Plan) > 0 {
			var p bonus.Plan
			if err := json.Unmarshal(bp.Plan, &p); err != nil {
				v.add(v.pos.lineAt(node, "plan"), path+".plan", "", "cannot read the plan: %v", err)
			} else if err := p.Validate(); err != nil && v.pos == nil {
				// From a file, readBonusPlans reported these on their lines.
				for _, prob := range kpi.ErrorDetails(err) {
					v.add(0, path+".plan."+prob.Column, prob.Value, "%s", prob.Reason)
				}
			} else {
				for _, name := range p.KPIs() {
					if defs.KPI(name) == nil {
						v.add(v.pos.lineAt(node, "plan"), path+".plan", name, "the plan reads KPI %s, which is not defined", name)
					}
				}
				planNode := v.pos.lineAtNode(node, "plan")
				for _, prob := range bonus.CheckData(&p, defs) {
					line := v.pos.lineAt(planNode, prob.Column)
					if planNode == nil {
						line = v.pos.lineAt(node, "plan")
					}
					v.add(line, path+".plan."+prob.Column, prob.Value, "%s", prob.Reason)
				}
			}
		} else if v.pos == nil {
			v.add(0, path+".plan", "", "a bonus plan needs its plan")
		}
		if len(bp.Assign) == 0 {
			v.add(v.pos.lineAt(node, ""), path+".assign", "", "assign the plan to a position or an employee")
		}
		for j, a := range bp.Assign {
			at := fmt.Sprintf("assign[%d]", j)
			line := v.pos.lineAt(node, at)
			var key string
			switch {
			case (a.Position == "") == (a.Employee == ""):
				v.add(line, path+"."+at, "", "an assignment names a position or an employee, one of them")
				continue
			case a.Employee != "" && !looseID.MatchString(a.Employee):
				v.add(line, path+"."+at+".employee", a.Employee, "not an employee id: ids have no spaces")
				continue
			case a.Employee != "":
				key = "employee " + a.Employee
			default:
				key = "position " + a.Position
			}
			from, to := minDate, maxDate
			if a.From != nil {
				from = *a.From
			}
			if a.To != nil {
				to = *a.To
			}
			if to < from {
				v.add(line, path+"."+at+".to", a.To.String(), "to is before from")
				continue
			}
			for _, s := range spans[key] {
				if from <= s.to && s.from <= to {
					v.add(line, path+"."+at, key, "overlaps the assignment of %s to plan %s", key, s.plan)
				}
			}
			spans[key] = append(spans[key], span{label(bp.Name, i), from, to})
		}
	}
}

func bonusPlanDocsOf(plans []*kpi.BonusPlan) ([]*bonusPlanDoc, error) {
	var docs []*bonusPlanDoc
	for _, bp := range plans {
		doc := &bonusPlanDoc{Name: bp.Name}
		var v any
		if err := json.Unmarshal(bp.Plan, &v); err != nil {
			return nil, fmt.Errorf("bonus plan %q: %w", bp.Name, err)
		}
		if err := doc.Plan.Encode(v); err != nil {
			return nil, fmt.Errorf("bonus plan %q: %w", bp.Name, err)
		}
		for _, a := range bp.Assign {
			ad := assignDoc{Position: a.Position, Employee: a.Employee}
			if a.From != nil {
				ad.From = number(a.From.String())
			}
			if a.To != nil {
				ad.To = number(a.To.String())
			}
			doc.Assign = append(doc.Assign, ad)
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

func (p *Positions) bonusPlan(i int) *yaml.Node {
	if p == nil || i >= len(p.bonusPlans) {
		return nil
	}
	return p.bonusPlans[i]
}

// lineAtNode returns the node of a field of n, or nil.
func (p *Positions) lineAtNode(n *yaml.Node, field string) *yaml.Node {
	for _, kv := range pairs(n) {
		if kv[0].Value == field {
			return kv[1]
		}
	}
	return nil
}
