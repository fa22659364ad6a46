package kpi

// SafeCell returns text as it may be written into a cell of an exported CSV
// file or workbook without a spreadsheet program reading it as a formula
// (CSV or formula injection): text that starts with = + - @, a tab or a
// carriage return gets a single quote in front, as OWASP advises, so
// "=HYPERLINK(...)" is written as "'=HYPERLINK(...)". Left as they are:
// numbers ("-1054.50", "+3", "1e-3", "-12.5 %"), which a spreadsheet reads
// as numbers and which can hold no formula, and a lone "-", the sign for no
// value. Every writer of CSV or XLSX cells from data a person entered uses
// it (payouts, scorecards, rejected rows, the CLI's --format csv).
func SafeCell(text string) string {
	if text == "" || text == "-" {
		return text
	}
	switch text[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isNumber(text) {
			return text
		}
		return "'" + text
	}
	return text
}

// SafeCells returns a copy of row with SafeCell applied to every cell.
func SafeCells(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = SafeCell(c)
	}
	return out
}

// isNumber reports whether s is a plain number: an optional sign, digits
// with an optional decimal point, an optional exponent, and an optional
// percent sign (after one space at most).
func isNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	switch s[i:] {
	case "", "%", " %":
		return true
	}
	return false
}
