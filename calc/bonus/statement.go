package bonus

import (
	"fmt"
	"io"
	"strings"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// Units of line results and named values.
const (
	UnitMoney   = "money"
	UnitPercent = "percent"
	UnitFactor  = "factor"
	UnitNumber  = "number"
	UnitDays    = "days"
	UnitPass    = "pass" // 1 passed, 0 failed
)

// Statement is the explained result of a plan for one employee and period:
// ordered lines from KPI actuals through score, coefficient, tiers, gates,
// caps, clawbacks and draws to the payout.
type Statement struct {
	Plan      string          `json:"plan"`
	Employee  Employee        `json:"employee"`
	Period    kpi.Period      `json:"period"`
	Currency  string          `json:"currency"`
	Rounding  string          `json:"rounding"`
	Places    int32           `json:"places"` // the currency's minor unit, or the plan's rounding places
	Lines     []Line          `json:"lines"`
	Earned    decimal.Decimal `json:"earned"`    // after gates, floors and caps; before clawbacks and draws
	Recovered decimal.Decimal `json:"recovered"` // clawbacks recovered in this period
	Payout    decimal.Decimal `json:"payout"`
	CarryOut  Carry           `json:"carry_out"`
	Notes     []string        `json:"notes,omitempty"`
}

// Line is one step of the calculation: the named inputs, the rule applied
// (in words and numbers) and its result.
type Line struct {
	ID     string          `json:"id"`
	Label  string          `json:"label"`
	KPI    *KPIRef         `json:"kpi,omitempty"` // for KPI actual lines: what the engine's explain takes
	Inputs []Value         `json:"inputs,omitempty"`
	Rule   string          `json:"rule"`
	Result decimal.Decimal `json:"result"`
	Unit   string          `json:"unit"`
}

// Value is a named input of a line.
type Value struct {
	Name  string          `json:"name"`
	Value decimal.Decimal `json:"value"`
	Unit  string          `json:"unit"`
}

// KPIRef names a KPI value so the API can link it to its records
// (kpi.ExplainQuery{KPI, Subject, Period}).
type KPIRef struct {
	KPI     string      `json:"kpi"`
	Subject kpi.Subject `json:"subject"`
	Period  kpi.Period  `json:"period"`
}

// Line returns the line with id, or nil.
func (s *Statement) Line(id string) *Line {
	for i := range s.Lines {
		if s.Lines[i].ID == id {
			return &s.Lines[i]
		}
	}
	return nil
}

// WriteText writes the statement for a person to read and redo by hand.
func (s *Statement) WriteText(w io.Writer) error {
	var b strings.Builder
	name := s.Employee.ID
	if s.Employee.Name != "" {
		name = s.Employee.Name + " (" + s.Employee.ID + ")"
	}
	fmt.Fprintf(&b, "Bonus statement: %s, %s, plan %q, %s\n", name, s.Period.Label(), s.Plan, s.Currency)
	fmt.Fprintf(&b, "Rounding: %s\n", s.Rounding)
	for _, l := range s.Lines {
		fmt.Fprintf(&b, "\n%s  %s\n", l.ID, l.Label)
		if l.KPI != nil {
			fmt.Fprintf(&b, "    records: %s of %s in %s\n", l.KPI.KPI, l.KPI.Subject, l.KPI.Period.Label())
		}
		if len(l.Inputs) > 0 {
			parts := make([]string, len(l.Inputs))
			for i, v := range l.Inputs {
				parts[i] = v.Name + " " + format(v.Value, v.Unit, s.places())
			}
			fmt.Fprintf(&b, "    inputs:  %s\n", strings.Join(parts, "; "))
		}
		fmt.Fprintf(&b, "    rule:    %s\n", l.Rule)
		fmt.Fprintf(&b, "    result:  %s\n", format(l.Result, l.Unit, s.places()))
	}
	p := s.places()
	fmt.Fprintf(&b, "\nEarned %s; recovered %s; payout %s %s\n", format(s.Earned, UnitMoney, p), format(s.Recovered, UnitMoney, p), format(s.Payout, UnitMoney, p), s.Currency)
	fmt.Fprintf(&b, "Carried out: draw balance %s, clawback balance %s\n", format(s.CarryOut.DrawBalance, UnitMoney, p), format(s.CarryOut.ClawbackBalance, UnitMoney, p))
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "Note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write statement: %w", err)
	}
	return nil
}

func (s *Statement) places() int32 { return s.Places }

// format writes d for a person: money with thousands separators and at
// least the currency's places, percent with " %", others trimmed. Values
// with more than 6 decimals are shown to 6 (display only; the JSON keeps
// them exact).
func format(d decimal.Decimal, unit string, places int32) string {
	switch unit {
	case UnitMoney:
		// At least the currency's places; more only when the value has them.
		s := trim(d, 6)
		if _, frac, _ := strings.Cut(s, "."); int32(len(frac)) < places {
			s = d.Round(6).StringFixed(places)
		}
		return group(s)
	case UnitPercent:
		return group(trim(d, 6)) + " %"
	case UnitPass:
		if d.IsZero() {
			return "failed"
		}
		return "passed"
	case UnitDays:
		return trim(d, 6) + " days"
	}
	return group(trim(d, 6))
}

func trim(d decimal.Decimal, max int32) string {
	if -d.Exponent() > max {
		d = d.Round(max)
	}
	s := d.String()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// group puts thousands separators in the integer part of a number.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
