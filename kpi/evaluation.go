package kpi

import "github.com/shopspring/decimal"

// Units of statement line results and their named values.
const (
	LineMoney   = "money"
	LinePercent = "percent" // in %: 25 is 25 %
	LineFactor  = "factor"
	LineNumber  = "number"
	LineDays    = "days"
	LinePass    = "pass" // 1 passed, 0 failed
)

// Evaluation is one bonus plan evaluated on one section's BonusInputs (by
// package bonus): ordered lines from KPI actuals through score,
// coefficient, tiers, gates, caps, clawbacks and draws to the payout. It
// is a part of a Statement (StatementSection.Evaluation), or what
// `attain bonus eval` prints for a plan and an inputs file.
type Evaluation struct {
	Plan      string          `json:"plan"`
	Employee  Payee           `json:"employee"`
	Period    Period          `json:"period"`
	Currency  string          `json:"currency"` // what the payee is paid in
	Rounding  string          `json:"rounding"`
	Places    int32           `json:"places"` // the currency's minor unit, or the plan's rounding places
	Lines     []StatementLine `json:"lines"`
	Earned    decimal.Decimal `json:"earned"`    // after gates, floors and caps; before clawbacks and draws
	Recovered decimal.Decimal `json:"recovered"` // clawbacks recovered in this period
	Payout    decimal.Decimal `json:"payout"`
	CarryOut  Carry           `json:"carry_out"`
	Notes     []string        `json:"notes,omitempty"`
	// FX is the exchange rate the plan's amounts were converted at, when
	// the plan's currency is not the payee's.
	FX *FXRate `json:"fx,omitempty"`
	// TrueUp is the cumulative true-up of a plan that pays its entitlement
	// to date less what earlier periods recognized.
	TrueUp *TrueUp `json:"true_up,omitempty"`
	// Projection is what open deals would add if they closed: shown apart,
	// never part of Payout and never exported to payroll.
	Projection *Projection `json:"projection,omitempty"`
}

// FXRate converts a plan's currency into the payee's: Rate units of To for
// one unit of From, the rate of Date.
type FXRate struct {
	From string          `json:"from"`
	To   string          `json:"to"`
	Rate decimal.Decimal `json:"rate"`
	Date Date            `json:"date"`
}

// TrueUp is the cumulative true-up of one period: the entitlement of the
// window to date (From to the period's end) less what the earlier periods
// of the window recognized (Before) is Amount; Recognized is what the next
// period takes as its Before.
type TrueUp struct {
	From        Date            `json:"from"`
	Entitlement decimal.Decimal `json:"entitlement"`
	Before      decimal.Decimal `json:"before"`
	Amount      decimal.Decimal `json:"amount"`
	Recognized  decimal.Decimal `json:"recognized"`
}

// Projection is what the payee would earn if open deals closed: the plan
// evaluated again with them (each at its value × its stage's probability,
// or all at full value). Payout is that evaluation's payout, Earnings what
// it adds to the period's payout.
type Projection struct {
	KPI       string          `json:"kpi"`
	Weighting string          `json:"weighting"`
	Value     decimal.Decimal `json:"value"`
	Payout    decimal.Decimal `json:"payout"`
	Earnings  decimal.Decimal `json:"earnings"`
	Lines     []StatementLine `json:"lines"`
}

// StatementLine is one step of the calculation: the named inputs, the rule
// applied (in words and numbers) and its result.
type StatementLine struct {
	ID     string          `json:"id"`
	Label  string          `json:"label"`
	KPI    *KPIRef         `json:"kpi,omitempty"` // for KPI actual lines: what the engine's explain takes
	Inputs []LineValue     `json:"inputs,omitempty"`
	Rule   string          `json:"rule"`
	Result decimal.Decimal `json:"result"`
	Unit   string          `json:"unit"`
}

// LineValue is a named input of a line.
type LineValue struct {
	Name  string          `json:"name"`
	Value decimal.Decimal `json:"value"`
	Unit  string          `json:"unit"`
}

// KPIRef names a KPI value so the API can link it to its records
// (ExplainQuery{KPI, Subject, Period}).
type KPIRef struct {
	KPI     string  `json:"kpi"`
	Subject Subject `json:"subject"`
	Period  Period  `json:"period"`
}

// Line returns the line with id, or nil.
func (ev *Evaluation) Line(id string) *StatementLine {
	for i := range ev.Lines {
		if ev.Lines[i].ID == id {
			return &ev.Lines[i]
		}
	}
	return nil
}

// BonusInputs are what a bonus plan is evaluated on for one employee and
// period: the KPI actuals and targets (from the engine), the score (from
// the scorecard engine, unless the plan weights KPIs itself), base pay,
// prior payouts, balances carried in, the active part of the period and
// reversed records. It is the INPUTS.yaml of `attain bonus eval`.
type BonusInputs struct {
	Employee Payee            `yaml:"employee" json:"employee"`
	Period   string           `yaml:"period" json:"period"` // a Period label: 2026-03, 2026-Q1, 2026-03-01..2026-03-15
	Salary   *decimal.Decimal `yaml:"salary,omitempty" json:"salary,omitempty"`
	Score    *decimal.Decimal `yaml:"score,omitempty" json:"score,omitempty"` // weighted score in %
	KPIs     []KPIActual      `yaml:"kpis,omitempty" json:"kpis,omitempty"`
	YTDPaid  decimal.Decimal  `yaml:"ytd_paid,omitempty" json:"ytd_paid"` // paid earlier this plan year, for the year cap
	CarryIn  Carry            `yaml:"carry_in,omitempty" json:"carry_in"`
	Active   *ActiveShare     `yaml:"active,omitempty" json:"active,omitempty"`
	Reversed []Reversal       `yaml:"reversed,omitempty" json:"reversed,omitempty"`
	// Adjustments correct earlier statements that were locked: what they
	// paid against what they would pay now.
	Adjustments []Correction `yaml:"adjustments,omitempty" json:"adjustments,omitempty"`
	// Hired is the payee's hire date, for ramps by months since hire.
	Hired *Date `yaml:"hired,omitempty" json:"hired,omitempty"`
	// TrueUp gives what earlier periods of a true-up window recognized;
	// with a true-up plan the KPI actuals and targets are those of the
	// window to date.
	TrueUp *TrueUpInput `yaml:"true_up,omitempty" json:"true_up,omitempty"`
	// Open are deals not closed yet, for projected earnings.
	Open []OpenDeal `yaml:"open,omitempty" json:"open,omitempty"`
}

// TrueUpInput is what the earlier periods of a true-up window recognized
// of the entitlement (their TrueUp.Recognized).
type TrueUpInput struct {
	Before decimal.Decimal `yaml:"before" json:"before"`
}

// Credited is one record behind a KPI's actual: its key, date, the value
// it adds to the KPI (1 for a count) and its fields as text, as
// ExplainedRecord has them. Per-record rules read them.
type Credited struct {
	Key    string            `yaml:"key" json:"key"`
	Date   Date              `yaml:"date" json:"date"`
	Value  decimal.Decimal   `yaml:"value" json:"value"`
	Fields map[string]string `yaml:"fields,omitempty" json:"fields,omitempty"`
}

// OpenDeal is a deal not closed yet: what it would add to a KPI (Value)
// if it closed, its stage and, when known, its own probability in %.
type OpenDeal struct {
	Key         string            `yaml:"key" json:"key"`
	Value       decimal.Decimal   `yaml:"value" json:"value"`
	Stage       string            `yaml:"stage,omitempty" json:"stage,omitempty"`
	Probability *decimal.Decimal  `yaml:"probability,omitempty" json:"probability,omitempty"`
	Close       *Date             `yaml:"close,omitempty" json:"close,omitempty"`
	Fields      map[string]string `yaml:"fields,omitempty" json:"fields,omitempty"`
}

// DateSpan is the days From to To, both included.
type DateSpan struct {
	From Date `yaml:"from" json:"from"`
	To   Date `yaml:"to" json:"to"`
}

// Correction is an Adjustment as the bonus inputs carry it: ID names the
// earlier, locked statement (like 2026-02), Amount is positive when the
// employee is owed more, negative when they were paid too much. A negative
// one is recovered from this period's earnings like a clawback (the rest
// carried out); a positive one is added after the limits, which its own
// period already applied.
type Correction struct {
	ID     string          `yaml:"id" json:"id"`
	Reason string          `yaml:"reason,omitempty" json:"reason,omitempty"`
	Amount decimal.Decimal `yaml:"amount" json:"amount"`
}

// Payee is whom a statement is for; Currency is what they are paid in.
type Payee struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name,omitempty" json:"name,omitempty"`
	Currency string `yaml:"currency" json:"currency"`
}

// KPIActual is one KPI's value for the employee and period. Direction is
// higher (default) or lower is better; it decides attainment: actual /
// target, or target / actual. Records is how many records it folds.
type KPIActual struct {
	KPI       string           `yaml:"kpi" json:"kpi"`
	Actual    decimal.Decimal  `yaml:"actual" json:"actual"`
	Target    *decimal.Decimal `yaml:"target,omitempty" json:"target,omitempty"`
	Direction Direction        `yaml:"direction,omitempty" json:"direction,omitempty"`
	Records   int              `yaml:"records,omitempty" json:"records,omitempty"`
	// Credited are the records behind Actual, for per-record rules;
	// Columns type their fields (left out, a field is typed from its
	// values: numbers, dates, true/false, else text).
	Credited []Credited `yaml:"credited,omitempty" json:"credited,omitempty"`
	Columns  []Column   `yaml:"columns,omitempty" json:"columns,omitempty"`
	// Before is the KPI's value earlier in the plan year, where a
	// running total over the year starts.
	Before *decimal.Decimal `yaml:"before,omitempty" json:"before,omitempty"`
}

// Carry is what one statement hands the next: the recoverable draw the
// employee still owes, and clawbacks not yet recovered.
type Carry struct {
	DrawBalance     decimal.Decimal `yaml:"draw_balance,omitempty" json:"draw_balance"`
	ClawbackBalance decimal.Decimal `yaml:"clawback_balance,omitempty" json:"clawback_balance"`
}

// ActiveShare is the part of the period the employee was eligible, for
// proration. Give one of: Fraction (with Reason); ActiveDays of
// PeriodDays; or From/To within the period with NonWorking dates, and the
// fraction is working days (Monday to Friday, less NonWorking) active / in
// the period. Spans, the runs of days active, may come with ActiveDays
// (which then count working days): the plan's proration convention takes
// calendar days or whole months from them.
type ActiveShare struct {
	Fraction   *decimal.Decimal `yaml:"fraction,omitempty" json:"fraction,omitempty"`
	Reason     string           `yaml:"reason,omitempty" json:"reason,omitempty"`
	ActiveDays int              `yaml:"active_days,omitempty" json:"active_days,omitempty"`
	PeriodDays int              `yaml:"period_days,omitempty" json:"period_days,omitempty"`
	From       *Date            `yaml:"from,omitempty" json:"from,omitempty"`
	To         *Date            `yaml:"to,omitempty" json:"to,omitempty"`
	NonWorking []Date           `yaml:"non_working,omitempty" json:"non_working,omitempty"`
	Spans      []DateSpan       `yaml:"spans,omitempty" json:"spans,omitempty"`
}

// Reversal is a record that earned pay and was reversed: a deal lost after
// it was won, a refunded payment. Paid is what was paid on it. DaysStayed,
// or Won and Reversed, say how long the customer stayed.
type Reversal struct {
	Key        string          `yaml:"key" json:"key"`
	KPI        string          `yaml:"kpi,omitempty" json:"kpi,omitempty"`
	Reason     string          `yaml:"reason,omitempty" json:"reason,omitempty"`
	Paid       decimal.Decimal `yaml:"paid" json:"paid"`
	Won        *Date           `yaml:"won,omitempty" json:"won,omitempty"`
	ReversedOn *Date           `yaml:"reversed,omitempty" json:"reversed,omitempty"`
	DaysStayed *int            `yaml:"days_stayed,omitempty" json:"days_stayed,omitempty"`
	// ContractMonths is the contract's length, for a clawback of the
	// months not served.
	ContractMonths *int `yaml:"contract_months,omitempty" json:"contract_months,omitempty"`
}

// KPI returns the actual of name, or nil.
func (in *BonusInputs) KPI(name string) *KPIActual {
	for i := range in.KPIs {
		if in.KPIs[i].KPI == name {
			return &in.KPIs[i]
		}
	}
	return nil
}

// Clone copies in deeply enough to change KPI actuals, their credited
// records and reversals (a what-if, a projection) without touching in.
func (in *BonusInputs) Clone() *BonusInputs {
	out := *in
	out.KPIs = append([]KPIActual(nil), in.KPIs...)
	for i, k := range out.KPIs {
		if k.Credited != nil { // an empty list stays a list: no records, not records not given
			out.KPIs[i].Credited = append(make([]Credited, 0, len(k.Credited)), k.Credited...)
		}
	}
	out.Reversed = append([]Reversal(nil), in.Reversed...)
	out.Adjustments = append([]Correction(nil), in.Adjustments...)
	out.Open = append([]OpenDeal(nil), in.Open...)
	return &out
}
