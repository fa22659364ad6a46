package kpi

import "strings"

// SafeCell returns text as it may be written into a cell of an exported CSV
// file or workbook without a spreadsheet program reading it as a formula
// (CSV or formula injection): text that starts with = + - @, a tab or a
// carriage return gets a single quote in front, as OWASP advises, so
// "=HYPERLINK(...)" is written as "'=HYPERLINK(...)". Left as they are:
// numbers ("-1054.50", "+3", "1e-3", "-12.5 %", "-1,200.00 EUR"), which hold
// no formula, and a lone "-", the sign for no value. Every writer of CSV or XLSX cells from data a person entered uses
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

// isNumber reports whether s is a number as Attain writes one: an optional
// sign, digits (grouped by commas or not) with an optional decimal point and
// exponent, then optionally a percent sign or, after a space, words of
// letters ("-1,200.00 EUR", "-11.7 points", "12.5 %"). None of these can
// make a formula do anything.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && (isDigit(s[i]) || (s[i] == ',' && digits > 0 && i+1 < len(s) && isDigit(s[i+1]))); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isDigit(s[i]); i++ {
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
		for ; i < len(s) && isDigit(s[i]); i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	rest := s[i:]
	if rest == "" || rest == "%" {
		return true
	}
	// Words after a space: " %", " EUR", " days", " points".
	for _, w := range strings.Split(rest[1:], " ") {
		if rest[0] != ' ' || w == "" || strings.TrimLeft(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%") != "" {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
