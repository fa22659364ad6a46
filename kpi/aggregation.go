package kpi

// Aggregation is how a measure KPI folds records into one number.
type Aggregation string

// The aggregations. Each is declared once more, with what it takes and
// how it behaves, in Aggregations; the engine's fold computes them.
const (
	Count         Aggregation = "count"
	Sum           Aggregation = "sum"
	Avg           Aggregation = "avg"
	Min           Aggregation = "min"
	Max           Aggregation = "max"
	Median        Aggregation = "median"
	P90           Aggregation = "p90"
	CountDistinct Aggregation = "count_distinct"
)

// ExprKind is what expression an aggregation folds.
type ExprKind int

const (
	NoExpr     ExprKind = iota // none: the records themselves are counted
	NumberExpr                 // a number per record
	AnyExpr                    // any value per record (its distinct values)
)

// AggregationKind is everything Attain knows of one aggregation outside
// the engine's fold: validation, target cascades, pace and the docs read
// it from Aggregations.
type AggregationKind struct {
	Name Aggregation
	Expr ExprKind
	// Additive: a unit's value is the sum of its members' and a period's
	// the sum of its days', so targets cascade by sums and pace compares
	// running totals.
	Additive bool
	// Doc says in a few words what the value is, for docs/attain-yaml.md.
	Doc string
}

// Aggregations lists every aggregation, in the order the docs give them.
var Aggregations = []AggregationKind{
	{Count, NoExpr, true, "the number of records"},
	{Sum, NumberExpr, true, "the sum of `expr`"},
	{Avg, NumberExpr, false, "the mean of `expr`"},
	{Min, NumberExpr, false, "the smallest `expr`"},
	{Max, NumberExpr, false, "the largest `expr`"},
	{Median, NumberExpr, false, "the median of `expr` (the mean of the two middle values when their number is even)"},
	{P90, NumberExpr, false, "the 90th percentile of `expr` (nearest rank)"},
	{CountDistinct, AnyExpr, false, "the number of distinct values of `expr`"},
}

// AggregationOf returns the kind named a; ok is false for an unknown name.
func AggregationOf(a Aggregation) (kind AggregationKind, ok bool) {
	for _, k := range Aggregations {
		if k.Name == a {
			return k, true
		}
	}
	return AggregationKind{}, false
}

// AggregationNames are the names of Aggregations, for messages and schemas.
func AggregationNames() []string {
	out := make([]string, len(Aggregations))
	for i, k := range Aggregations {
		out[i] = string(k.Name)
	}
	return out
}
