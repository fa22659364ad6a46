// Package score holds the pure calculations behind plans and scorecards:
// the working-day calendar and proration, target proposals from history and
// top-down splits, cascade checks, scorecard scoring, pace inside an open
// period, progress and regression over past periods, and the "who needs
// attention" ranking.
//
// Everything here is a plain function over values: no database, no engine,
// no clock. The API, the CLI and the exports call the same functions, and
// docs/scoring.md states every rule with a worked example.
//
// Numbers are exact decimals. Wherever a rule divides, the quotient is taken
// as an exact fraction and rounded once, half to even (banker's rounding),
// to the places the rule states:
//
//   - targets (prorated, proposed, split, expected to date, forecast):
//     DefaultPlaces (2) or the places of the value they come from, whichever
//     is more; splits take the places the caller asks for;
//   - achievement %, scores and total scores: 2 places;
//   - least-squares slopes: 4 places.
package score
