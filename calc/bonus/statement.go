package bonus

import (
	"fmt"
	"io"
	"strings"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// WriteText writes an evaluation for a person to read and redo by hand.
func WriteText(w io.Writer, s *kpi.Evaluation) error {
	var b strings.Builder
	name := s.Employee.ID
	if s.Employee.Name != "" {
		name = s.Employee.Name + " (" + s.Employee.ID + ")"
	}
	fmt.Fprintf(&b, "Bonus statement: %s, %s, plan %q, %s\n", name, s.Period.Label(), s.Plan, s.Currency)
	if x := s.FX; x != nil {
		fmt.Fprintf(&b, "Plan amounts in %s, paid in %s at %s %s per %s (rate of %s)\n", x.From, x.To, format(x.Rate, kpi.LineNumber, 0), x.To, x.From, x.Date)
	}
	fmt.Fprintf(&b, "Rounding: %s\n", s.Rounding)
	writeLines(&b, s.Lines, s.Places)
	p := s.Places
	fmt.Fprintf(&b, "\nEarned %s; recovered %s; payout %s %s\n", format(s.Earned, kpi.LineMoney, p), format(s.Recovered, kpi.LineMoney, p), format(s.Payout, kpi.LineMoney, p), s.Currency)
	fmt.Fprintf(&b, "Carried out: draw balance %s, clawback balance %s\n", format(s.CarryOut.DrawBalance, kpi.LineMoney, p), format(s.CarryOut.ClawbackBalance, kpi.LineMoney, p))
	if t := s.TrueUp; t != nil {
		fmt.Fprintf(&b, "True-up: recognized to date %s (what the next period of the window takes as before)\n", format(t.Recognized, kpi.LineMoney, p))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "Note: %s\n", n)
	}
	if pj := s.Projection; pj != nil {
		fmt.Fprintf(&b, "\nProjected, not paid: what open deals would add if they closed (never part of the payout or a payroll export)\n")
		writeLines(&b, pj.Lines, p)
		fmt.Fprintf(&b, "\nProjected earnings %s %s (payout if they close %s)\n", format(pj.Earnings, kpi.LineMoney, p), s.Currency, format(pj.Payout, kpi.LineMoney, p))
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write statement: %w", err)
	}
	return nil
}

func writeLines(b *strings.Builder, lines []kpi.StatementLine, places int32) {
	for _, l := range lines {
		fmt.Fprintf(b, "\n%s  %s\n", l.ID, l.Label)
		if l.KPI != nil {
			fmt.Fprintf(b, "    records: %s of %s in %s\n", l.KPI.KPI, l.KPI.Subject, l.KPI.Period.Label())
		}
		if len(l.Inputs) > 0 {
			parts := make([]string, len(l.Inputs))
			for i, v := range l.Inputs {
				parts[i] = v.Name + " " + format(v.Value, v.Unit, places)
			}
			fmt.Fprintf(b, "    inputs:  %s\n", strings.Join(parts, "; "))
		}
		fmt.Fprintf(b, "    rule:    %s\n", l.Rule)
		fmt.Fprintf(b, "    result:  %s\n", format(l.Result, l.Unit, places))
	}
}

// format writes d for a person: money with thousands separators and at
// least the currency's places, percent with " %", others trimmed. Values
// with more than 6 decimals are shown to 6 (display only; the JSON keeps
// them exact).
func format(d decimal.Decimal, unit string, places int32) string {
	switch unit {
	case kpi.LineMoney:
		// At least the currency's places; more only when the value has them.
		if -d.Exponent() <= places {
			return group(d.StringFixed(places))
		}
		s := trim(d, 6)
		if _, frac, _ := strings.Cut(s, "."); int32(len(frac)) < places {
			s = d.Round(6).StringFixed(places)
		}
		return group(s)
	case kpi.LinePercent:
		return group(trim(d, 6)) + " %"
	case kpi.LinePass:
		if d.IsZero() {
			return "failed"
		}
		return "passed"
	case kpi.LineDays:
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
