package attainyaml

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"attain/kpi"
)

// policyDoc is the policy section: how pay is approved and how long
// personal data is kept.
//
//	policy:
//	  second_approver_above: 5000   # a bigger payout needs two approvers
//	  retention_months: 24          # before a person who left may be pseudonymised
type policyDoc struct {
	SecondApproverAbove number `yaml:"second_approver_above,omitempty"`
	RetentionMonths     string `yaml:"retention_months,omitempty"`
}

func (v *validator) readPolicy(doc *policyDoc) *kpi.WorkspacePolicy {
	if doc == nil {
		return nil
	}
	p := &kpi.WorkspacePolicy{}
	if doc.SecondApproverAbove != "" {
		d := v.readDecimal(v.pos.lineAt(v.pos.policyNode(), "second_approver_above"), "policy.second_approver_above", doc.SecondApproverAbove)
		p.SecondApproverAbove = &d
	}
	if s := strings.TrimSpace(doc.RetentionMonths); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			v.add(v.pos.lineAt(v.pos.policyNode(), "retention_months"), "policy.retention_months", s, "not a whole number of months")
		}
		p.RetentionMonths = n
	}
	return p
}

// policy checks the policy's numbers.
func (v *validator) policy(p *kpi.WorkspacePolicy) {
	if p == nil {
		return
	}
	if a := p.SecondApproverAbove; a != nil && a.IsNegative() {
		v.add(v.pos.lineAt(v.pos.policyNode(), "second_approver_above"), "policy.second_approver_above", a.String(), "cannot be negative")
	}
	if p.RetentionMonths < 0 || p.RetentionMonths > 1200 {
		v.add(v.pos.lineAt(v.pos.policyNode(), "retention_months"), "policy.retention_months", strconv.Itoa(p.RetentionMonths), "want 0 to 1200 months")
	}
}

func policyDocOf(p *kpi.WorkspacePolicy) *policyDoc {
	if p == nil {
		return nil
	}
	doc := &policyDoc{}
	if p.SecondApproverAbove != nil {
		doc.SecondApproverAbove = numberOf(*p.SecondApproverAbove)
	}
	if p.RetentionMonths != 0 {
		doc.RetentionMonths = strconv.Itoa(p.RetentionMonths)
	}
	return doc
}

func (p *Positions) policyNode() *yaml.Node {
	if p == nil {
		return nil
	}
	return p.policy
}
