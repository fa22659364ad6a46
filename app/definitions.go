package app

import (
	"context"

	"attain/app/preview"
	"attain/attainyaml"
	"attain/kpi"
)

// ApplyRequest applies a workspace's definitions: an attain.yaml (YAML,
// with its targets) or the same definitions already decoded (the API's
// JSON form, which has no targets). Dates are YYYY-MM-DD.
type ApplyRequest struct {
	Source      string           // the name problems are reported against, e.g. the file's
	YAML        []byte           // attain.yaml; or
	Definitions *kpi.Definitions // definitions decoded from JSON
	DryRun      bool
	Effective   string // changed KPIs keep their old definition for records before this day
	Reason      string // for the audit trail
	// PreviewFrom and PreviewTo bound the months a dry run previews
	// (default: the last three months up to today).
	PreviewFrom, PreviewTo string
}

// ApplyResult is what applying changed, or in a dry run would change.
type ApplyResult struct {
	DryRun  bool         `json:"dry_run"`
	Changes []kpi.Change `json:"changes"`
	// Preview (dry run only): the values the change would move, for the
	// company and its departments, per month.
	Preview []preview.Row `json:"preview,omitempty"`
	// Targets is how many targets the file holds; TargetsStored how many
	// changed and were stored (none in a dry run).
	Targets       int `json:"targets"`
	TargetsStored int `json:"targets_stored"`

	next, stored *kpi.Definitions
}

// KPI returns the named KPI as it is after the change, or as it was if the
// change removes it; nil if neither has it.
func (r *ApplyResult) KPI(name string) *kpi.KPI {
	if k := r.next.KPI(name); k != nil {
		return k
	}
	return r.stored.KPI(name)
}

// Apply validates definitions whole, then stores them with their scorecards,
// calendar, bonus plans and targets (all of it or, on any problem, none),
// each change in the audit trail; a dry run stores nothing and previews
// what the change would do to the numbers.
func (a *App) Apply(ctx context.Context, who kpi.Actor, r ApplyRequest) (*ApplyResult, error) {
	f, err := load(r.Source, r.YAML, r.Definitions)
	if err != nil {
		return nil, err
	}
	opt := kpi.ApplyOptions{DryRun: r.DryRun, Reason: r.Reason}
	if opt.EffectiveFrom, err = optDate("effective_from", r.Effective); err != nil {
		return nil, err
	}
	var popt preview.Options
	if popt.From, err = optDate("preview_from", r.PreviewFrom); err != nil {
		return nil, err
	}
	if popt.To, err = optDate("preview_to", r.PreviewTo); err != nil {
		return nil, err
	}
	if !r.DryRun && (popt.From != nil || popt.To != nil) {
		return nil, kpi.Errorf(kpi.EINVALID, "A preview range (preview_from, preview_to) needs a dry run.")
	}
	popt.Effective = opt.EffectiveFrom
	if ctx, err = a.begin(ctx, who, WriteDefinitions, on{}); err != nil {
		return nil, err
	}
	for _, t := range f.Targets {
		if err := a.authorize(ctx, who, WriteTargets, onSubject(t.Subject, t.Period)); err != nil {
			return nil, err
		}
	}
	stored, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	res := &ApplyResult{DryRun: r.DryRun, Targets: len(f.Targets), next: f.Definitions, stored: stored}
	if res.Changes, err = a.svc.Definitions.ApplyDefinitions(ctx, f.Definitions, opt); err != nil {
		return nil, err
	}
	strategyChanges, err := a.applyStrategy(ctx, who, f.Strategy, r.Reason, r.DryRun)
	if err != nil {
		return nil, err
	}
	res.Changes = nonNil(append(res.Changes, strategyChanges...))
	if r.DryRun {
		rows, err := a.preview.Rows(ctx, f.Definitions, res.Changes, popt)
		if err != nil {
			return nil, err
		}
		res.Preview = nonNil(preview.Changed(rows))
		return res, nil
	}
	if len(f.Targets) == 0 {
		return res, nil
	}
	ts, err := a.setTargets(ctx, f.Targets, r.Reason)
	res.TargetsStored = len(ts)
	return res, err
}

// load reads and validates definitions once, from YAML or as decoded.
func load(source string, yaml []byte, defs *kpi.Definitions) (*attainyaml.File, error) {
	if source == "" {
		source = "request body"
	}
	switch {
	case yaml != nil && defs != nil:
		return nil, kpi.Errorf(kpi.EINVALID, "Give definitions as attain.yaml or as JSON, not both.")
	case yaml != nil:
		return attainyaml.LoadFile(source, yaml)
	case defs == nil:
		return nil, kpi.Errorf(kpi.EINVALID, "No definitions given.")
	}
	if err := attainyaml.Validate(defs, source, nil); err != nil {
		return nil, err
	}
	return &attainyaml.File{Definitions: defs}, nil
}

// Check validates an attain.yaml without a workspace: what `attain
// validate` reports.
func Check(source string, yaml []byte) (*attainyaml.File, error) {
	return load(source, yaml, nil)
}

// Definitions returns the workspace's definitions.
func (a *App) Definitions(ctx context.Context, who kpi.Actor) (*kpi.Definitions, error) {
	ctx, err := a.begin(ctx, who, ReadDefinitions, on{})
	if err != nil {
		return nil, err
	}
	return a.svc.Definitions.FindDefinitions(ctx)
}

// Dataset returns one dataset's definition.
func (a *App) Dataset(ctx context.Context, who kpi.Actor, name string) (*kpi.Dataset, error) {
	defs, err := a.Definitions(ctx, who)
	if err != nil {
		return nil, err
	}
	return dataset(defs, name)
}

// KPI returns one KPI's definition.
func (a *App) KPI(ctx context.Context, who kpi.Actor, name string) (*kpi.KPI, error) {
	defs, err := a.Definitions(ctx, who)
	if err != nil {
		return nil, err
	}
	k := defs.KPI(name)
	if k == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "KPI %q not found.", name)
	}
	return k, nil
}

func dataset(defs *kpi.Definitions, name string) (*kpi.Dataset, error) {
	ds := defs.Dataset(name)
	if ds == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Dataset %q not found; define it in attain.yaml and apply it.", name)
	}
	return ds, nil
}
