package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"attain/app"
	"attain/kpi"
)

// useCases are the use cases the everyday commands run: on the database
// itself (*app.App), or, with --server, on a running server through its
// JSON API (remote), which answers at once from its warm engine.
type useCases interface {
	Values(ctx context.Context, who kpi.Actor, r app.ValuesRequest) ([]kpi.KPIValue, error)
	Explain(ctx context.Context, who kpi.Actor, r app.ExplainRequest) (*kpi.Explanation, error)
	Definitions(ctx context.Context, who kpi.Actor) (*kpi.Definitions, error)
	Scorecard(ctx context.Context, who kpi.Actor, r app.ScorecardRequest) (*app.Card, error)
	Attention(ctx context.Context, who kpi.Actor, manager, period string) (*app.Attention, error)
	Targets(ctx context.Context, who kpi.Actor, q app.TargetQuery) ([]*kpi.Target, error)
	TargetHistory(ctx context.Context, who kpi.Actor, q app.TargetQuery) ([]*kpi.TargetChange, error)
	Statement(ctx context.Context, who kpi.Actor, r app.StatementRef) (*app.Statement, error)
	Payouts(ctx context.Context, who kpi.Actor, period string) ([]app.Payout, error)
	Units(ctx context.Context, who kpi.Actor) ([]*kpi.OrgUnit, error)
	Employees(ctx context.Context, who kpi.Actor, f kpi.EmployeeFilter) ([]*kpi.Employee, error)
	ImportRecords(ctx context.Context, who kpi.Actor, r app.ImportRequest) (*app.ImportReport, error)
	LevelChanges(ctx context.Context, who kpi.Actor, status string) ([]*kpi.LevelChange, error)
	ScorecardLevelsOf(ctx context.Context, who kpi.Actor, employee, unit, period, scorecard string) (*app.ScorecardLevels, error)
	SetScorecardLevels(ctx context.Context, who kpi.Actor, r app.ScorecardLevelRequest) (*app.ScorecardLevelResult, error)
	DecideLevel(ctx context.Context, who kpi.Actor, id int64, approve bool) (*kpi.LevelChange, error)
}

var _ useCases = (*app.App)(nil)

// useCases returns where the command runs and who acts there: the
// server of --server as its token's owner, or the database as whoever
// runs the command line.
func (m *Main) useCases(ctx context.Context) (useCases, kpi.Actor, error) {
	if m.Config.Server != "" {
		if m.Config.Token == "" {
			return nil, kpi.Actor{}, kpi.Errorf(kpi.EUNAUTHORIZED, "--server needs an API token: --token or ATTAIN_TOKEN.")
		}
		return &remote{base: strings.TrimRight(m.Config.Server, "/"), token: m.Config.Token, client: &http.Client{Timeout: 5 * time.Minute}}, kpi.Actor{}, nil
	}
	who, _, err := m.actor(ctx)
	if err != nil {
		return nil, kpi.Actor{}, err
	}
	return m.App, who, nil
}

// remote runs use cases on a server: the actor is the token's, so the
// server's policy decides as it does for every API call.
type remote struct {
	base, token string
	client      *http.Client
}

// call sends one API request and decodes its answer into out; an error
// answer becomes the *kpi.Error it was, so messages and exit codes are the
// same as on the database itself.
func (r *remote) call(ctx context.Context, method, path string, q url.Values, contentType string, body io.Reader, out any) error {
	u := r.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return kpi.Errorf(kpi.EINVALID, "--server %q: %s", r.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", kpi.Errorf(kpi.EUNAVAILABLE, "Cannot reach the server %s.", r.base), err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		var e struct {
			Error struct {
				Code, Message string
				Details       []kpi.Problem
			}
		}
		if json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&e) != nil || e.Error.Code == "" {
			return fmt.Errorf("%s %s: %s", method, path, res.Status)
		}
		return &kpi.Error{Code: e.Error.Code, Message: e.Error.Message, Details: e.Error.Details}
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

func (r *remote) get(ctx context.Context, path string, q url.Values, out any) error {
	return r.call(ctx, http.MethodGet, path, q, "", nil, out)
}

// values builds a query string, leaving out what is empty.
func values(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

func (r *remote) Values(ctx context.Context, _ kpi.Actor, q app.ValuesRequest) ([]kpi.KPIValue, error) {
	var out []kpi.KPIValue
	return out, r.get(ctx, "/api/v1/values", values("kpi", strings.Join(q.KPIs, ","), "employee", strings.Join(q.Employees, ","),
		"unit", strings.Join(q.Units, ","), "grain", q.Grain, "from", q.From, "to", q.To, "period", q.Period), &out)
}

func (r *remote) Explain(ctx context.Context, _ kpi.Actor, q app.ExplainRequest) (*kpi.Explanation, error) {
	var out kpi.Explanation
	return &out, r.get(ctx, "/api/v1/explain", values("kpi", q.KPI, "employee", q.Employee, "unit", q.Unit, "period", q.Period,
		"limit", fmt.Sprint(q.Limit)), &out)
}

func (r *remote) Definitions(ctx context.Context, _ kpi.Actor) (*kpi.Definitions, error) {
	var out kpi.Definitions
	return &out, r.get(ctx, "/api/v1/definitions", nil, &out)
}

func (r *remote) Scorecard(ctx context.Context, _ kpi.Actor, q app.ScorecardRequest) (*app.Card, error) {
	var out app.Card
	return &out, r.get(ctx, "/api/v1/scorecard", values("employee", q.Employee, "unit", q.Unit, "period", q.Period, "template", q.Template), &out)
}

func (r *remote) Attention(ctx context.Context, _ kpi.Actor, manager, period string) (*app.Attention, error) {
	var out app.Attention
	return &out, r.get(ctx, "/api/v1/attention", values("manager", manager, "period", period), &out)
}

func targetValues(q app.TargetQuery) url.Values {
	return values("kpi", strings.Join(q.KPIs, ","), "employee", strings.Join(q.Employees, ","), "unit", strings.Join(q.Units, ","), "period", q.Period)
}

func (r *remote) Targets(ctx context.Context, _ kpi.Actor, q app.TargetQuery) ([]*kpi.Target, error) {
	var out []*kpi.Target
	return out, r.get(ctx, "/api/v1/targets", targetValues(q), &out)
}

func (r *remote) TargetHistory(ctx context.Context, _ kpi.Actor, q app.TargetQuery) ([]*kpi.TargetChange, error) {
	var out []*kpi.TargetChange
	return out, r.get(ctx, "/api/v1/targets/history", targetValues(q), &out)
}

func (r *remote) Statement(ctx context.Context, _ kpi.Actor, s app.StatementRef) (*app.Statement, error) {
	var out app.Statement
	return &out, r.get(ctx, "/api/v1/statements/"+url.PathEscape(s.Employee)+"/"+url.PathEscape(s.Period), nil, &out)
}

func (r *remote) Payouts(ctx context.Context, _ kpi.Actor, period string) ([]app.Payout, error) {
	var out []app.Payout
	return out, r.get(ctx, "/api/v1/payouts", values("period", period), &out)
}

func (r *remote) Units(ctx context.Context, _ kpi.Actor) ([]*kpi.OrgUnit, error) {
	var out []*kpi.OrgUnit
	return out, r.get(ctx, "/api/v1/units", nil, &out)
}

func (r *remote) Employees(ctx context.Context, _ kpi.Actor, f kpi.EmployeeFilter) ([]*kpi.Employee, error) {
	var out []*kpi.Employee
	return out, r.get(ctx, "/api/v1/employees", values("unit", f.UnitID, "manager", f.ManagerID, "position", f.Position), &out)
}

// ImportRecords sends the file as it is (CSV or JSON; an XLSX workbook
// needs the database itself) and reads back the counts and the rejected
// rows.
func (r *remote) ImportRecords(ctx context.Context, _ kpi.Actor, q app.ImportRequest) (*app.ImportReport, error) {
	format := q.Format
	if format == "" {
		format = app.FormatOf(q.File)
	}
	ctype := map[string]string{app.FormatCSV: "text/csv", app.FormatJSON: "application/x-ndjson"}[format]
	if ctype == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "A %s file is imported on the database itself, not through --server; save it as CSV.", format)
	}
	var body bytes.Buffer
	if _, err := io.Copy(&body, q.Body); err != nil {
		return nil, fmt.Errorf("read %s: %w", q.File, err)
	}
	var out struct {
		*app.ImportReport
		RejectedRecords []app.RejectedRow `json:"rejected_records"`
	}
	out.ImportReport = &app.ImportReport{Dataset: q.Dataset}
	err := r.call(ctx, http.MethodPost, "/api/v1/datasets/"+url.PathEscape(q.Dataset)+"/records",
		values("skip_invalid", fmt.Sprint(q.SkipInvalid)), ctype, &body, &out)
	if err != nil {
		return nil, err
	}
	out.RejectedRows = out.RejectedRecords // their lines and reasons; the server keeps no copy of the cells
	return out.ImportReport, nil
}
