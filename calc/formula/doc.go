// Package formula compiles the expressions of KPI definitions: record
// expressions over one dataset's columns (filters, values, distinct keys)
// and formulas over other KPIs. Both are parsed with expr-lang/expr and
// computed in exact decimals; compile errors are *Error with a 1-based
// line:col.
//
// # Record expressions
//
// Columns are referenced by name and typed by their column:
//
//	string              string
//	integer             integer
//	decimal, money      exact decimal with the column's scale (money: 2 unless set)
//	boolean             bool
//	date                date (kpi.Value.N is days since 1970-01-01)
//	timestamp           timestamp (kpi.Value.N is Unix seconds, UTC)
//
// Dates and timestamps compare with each other (a date is its midnight UTC)
// and with the literals date("2017-06-01") and
// timestamp("2017-06-01T10:00:00Z"). Number literals are exact decimals
// read from their source text: 1000.50 is 1000.50, and 0.1 + 0.2 == 0.3.
//
// Operators: == != < <= > >=, x in [a, b], x not in [..], && || ! (and, or,
// not), + - * /, ?:, ?? (first non-null), + on strings, contains,
// startsWith, endsWith. Functions: lower, upper, trim, len, abs,
// days_between(a, b) and hours_between(a, b).
//
// Null cells are nil. x == nil and x != nil test for null; every other
// comparison with a null operand is false (so deal_stage != "Won" is false
// for an empty deal_stage); arithmetic and functions of a null are null; a
// null boolean is false where a boolean is needed (&&, ||, !, ?:, and the
// result of a filter). Values of absent columns (vals shorter than the
// dataset) are null.
//
// Scale (the decimal places of a numeric result, see RecordExpr.Scale): a
// column has its scale, integers and integer literals 0, a decimal literal
// the places it is written with; + and - take the larger scale of their
// operands, * the sum, / is 6 (rounded half to even; division by zero is
// null). days_between(a, b) is b − a in whole days when both are dates
// (scale 0), otherwise seconds/86400 rounded half to even to 6 places;
// hours_between is seconds/3600 rounded half to even to 6 places. Number
// returns the value times 10^Scale exactly, and an error rather than a
// wrapped int64 when it does not fit.
//
// Key returns a canonical text: strings as they are, numbers with Scale
// places ("1054.50"), dates YYYY-MM-DD, timestamps RFC 3339 UTC, booleans
// true/false.
//
// # Speed
//
// Filters of the common shapes (col == "lit", col != "lit", col in ["a",
// "b"], a numeric, date or timestamp column compared with a literal,
// col == nil, col != nil, a boolean column, and &&, ||, ! of those) are
// compiled to plain closures over the kpi.Values: no VM, no allocation per
// record. A plain column reference as a value or key is read directly.
// Everything else runs on the expr VM, with decimal operators as functions
// and a pooled VM and environment per goroutine.
//
// # Limits
//
// An expression or formula compiles only within MaxLength bytes, MaxNodes
// names, numbers, operators and calls, and MaxDepth levels of nesting; in a
// record expression no number computed along the way may have more than
// MaxDigits digits (a bound read from the column types and the operators:
// a sum has a digit more than its larger operand, a product as many as
// both). The language has no loops, so these bound the work of every
// evaluation; an error names the limit.
//
// # Formulas
//
// A formula uses KPI names, number literals, + - * / and parentheses:
// won / (won + lost). A KPI missing from the values is null, null
// propagates, and a division by zero is null. Arithmetic is exact except
// that a quotient is rounded half to even to FormulaScale (10) places.
package formula
