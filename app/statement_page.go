package app

import (
	"context"

	"attain/app/payroll"
	"attain/kpi"
)

// WhatIfKPI is a KPI a what-if on a statement may change, with its actual.
type WhatIfKPI = payroll.WhatIfKPI

// StatementPage is a statement as its page shows it: the statement, the
// KPIs its what-if may change, and what the viewer may do with it, each
// decided by the policy (never by the page).
type StatementPage struct {
	Statement *Statement
	KPIs      []WhatIfKPI
	// WhatIfError says why no what-if can be made (no draft: no plan).
	WhatIfError string
	// May say which of the statement's steps and inquiries the viewer may
	// take now: allowed by the policy and fitting the statement's status.
	MayApprove, MayLock, MayPay bool
	MayInquire, MayAnswer       bool
}

// StatementPage returns the statement of r with the KPIs a what-if may
// change and what who may do with it.
func (a *App) StatementPage(ctx context.Context, who kpi.Actor, r StatementRef) (*StatementPage, error) {
	p, err := r.read()
	if err != nil {
		return nil, err
	}
	ctx, err = a.begin(ctx, who, ReadStatements, onEmployee(r.Employee, p))
	if err != nil {
		return nil, err
	}
	st, kpis, whatIfErr, err := a.payroll.StatementWhatIfKPIs(ctx, r.Employee, p)
	if err != nil {
		return nil, err
	}
	pg := &StatementPage{Statement: st, KPIs: kpis}
	if whatIfErr != nil {
		pg.WhatIfError = kpi.ErrorMessage(whatIfErr)
	}
	may := func(act Action) bool {
		return a.authorize(ctx, who, act, onEmployee(r.Employee, p)) == nil
	}
	switch st.Status {
	case kpi.StatusDraft:
		pg.MayApprove = may(ApproveStatements)
	case kpi.StatusApproved:
		pg.MayApprove = may(ApproveStatements) // again after a change, or a second approval
		pg.MayLock = may(LockStatements)
	case kpi.StatusLocked:
		pg.MayPay = may(PayStatements)
	}
	pg.MayInquire, pg.MayAnswer = may(InquireStatements), may(AnswerInquiries)
	return pg, nil
}
