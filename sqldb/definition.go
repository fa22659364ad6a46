package sqldb

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"attain/kpi"
)

// DefinitionService stores the context workspace's definitions: datasets,
// KPIs, scorecard templates, bonus plans and the calendar, each as a JSON document keyed
// by (kind, name), and the earlier definitions of KPIs and scorecard
// templates (revisions).
type DefinitionService struct{ db *DB }

// NewDefinitionService returns the definition service.
func NewDefinitionService(db *DB) *DefinitionService { return &DefinitionService{db: db} }

var _ kpi.DefinitionService = (*DefinitionService)(nil)

// Kinds of definitions rows, also the Kind of a kpi.Change.
const (
	kindDataset   = "dataset"
	kindKPI       = "kpi"
	kindScorecard = "scorecard"
	kindCalendar  = "calendar"
	kindPolicy    = "policy"
	kindBonusPlan = "bonus_plan"
	kindAwards    = "awards"
)

// calendarName is the name of the one calendar row of a workspace.
const calendarName = "workspace"

// storedDef is one definitions row.
type storedDef struct {
	kind, name string
	position   int
	doc        []byte // canonical JSON, UpdatedAt zero
	updatedAt  time.Time
}

// canonicalJSON marshals a definition without its UpdatedAt, so two
// documents compare equal exactly when the definitions are the same.
func canonicalJSON(v any) ([]byte, error) {
	switch v := v.(type) {
	case *kpi.Dataset:
		c := *v
		c.UpdatedAt = time.Time{}
		return json.Marshal(&c)
	case *kpi.KPI:
		c := *v
		c.UpdatedAt = time.Time{}
		return json.Marshal(&c)
	case *kpi.ScorecardTemplate, *kpi.Calendar, *kpi.BonusPlan, *kpi.WorkspacePolicy, *kpi.Awards:
		return json.Marshal(v)
	}
	return nil, fmt.Errorf("canonical json: unexpected %T", v)
}

func (tx *Tx) loadDefs(ctx context.Context, ws int64) ([]storedDef, error) {
	rows, err := tx.query(ctx, `SELECT kind, name, position, doc, updated_at FROM definitions WHERE workspace_id = $1 ORDER BY kind, position, name`, ws)
	if err != nil {
		return nil, fmt.Errorf("load definitions: %w", err)
	}
	defer rows.Close()
	var defs []storedDef
	for rows.Next() {
		var d storedDef
		var doc string
		if err := rows.Scan(&d.kind, &d.name, &d.position, &doc, &d.updatedAt); err != nil {
			return nil, fmt.Errorf("load definitions: %w", err)
		}
		d.doc, d.updatedAt = []byte(doc), d.updatedAt.UTC()
		defs = append(defs, d)
	}
	return defs, rows.Err()
}

func decodeDefs(stored []storedDef) (*kpi.Definitions, error) {
	defs := &kpi.Definitions{Datasets: []*kpi.Dataset{}, KPIs: []*kpi.KPI{}}
	for _, d := range stored {
		switch d.kind {
		case kindDataset:
			var ds kpi.Dataset
			if err := json.Unmarshal(d.doc, &ds); err != nil {
				return nil, fmt.Errorf("decode dataset %q: %w", d.name, err)
			}
			ds.UpdatedAt = d.updatedAt
			defs.Datasets = append(defs.Datasets, &ds)
		case kindKPI:
			var k kpi.KPI
			if err := json.Unmarshal(d.doc, &k); err != nil {
				return nil, fmt.Errorf("decode kpi %q: %w", d.name, err)
			}
			k.UpdatedAt = d.updatedAt
			defs.KPIs = append(defs.KPIs, &k)
		case kindScorecard:
			var t kpi.ScorecardTemplate
			if err := json.Unmarshal(d.doc, &t); err != nil {
				return nil, fmt.Errorf("decode scorecard %q: %w", d.name, err)
			}
			defs.Scorecards = append(defs.Scorecards, &t)
		case kindCalendar:
			var c kpi.Calendar
			if err := json.Unmarshal(d.doc, &c); err != nil {
				return nil, fmt.Errorf("decode calendar: %w", err)
			}
			defs.Calendar = &c
		case kindPolicy:
			var p kpi.WorkspacePolicy
			if err := json.Unmarshal(d.doc, &p); err != nil {
				return nil, fmt.Errorf("decode policy: %w", err)
			}
			defs.Policy = &p
		case kindAwards:
			var aw kpi.Awards
			if err := json.Unmarshal(d.doc, &aw); err != nil {
				return nil, fmt.Errorf("decode awards: %w", err)
			}
			defs.Awards = &aw
		case kindBonusPlan:
			var p kpi.BonusPlan
			if err := json.Unmarshal(d.doc, &p); err != nil {
				return nil, fmt.Errorf("decode bonus plan %q: %w", d.name, err)
			}
			defs.BonusPlans = append(defs.BonusPlans, &p)
		}
	}
	return defs, nil
}

// loadRevisions returns the stored KPI revisions ordered by KPI, then Until.
func (tx *Tx) loadRevisions(ctx context.Context, ws int64) ([]*kpi.KPIRevision, error) {
	rows, err := tx.query(ctx, `SELECT kpi, until_on, doc, updated_at FROM kpi_revisions WHERE workspace_id = $1 ORDER BY kpi, until_on`, ws)
	if err != nil {
		return nil, fmt.Errorf("load kpi revisions: %w", err)
	}
	defer rows.Close()
	var revs []*kpi.KPIRevision
	for rows.Next() {
		var name, doc string
		var until int64
		var at time.Time
		if err := rows.Scan(&name, &until, &doc, &at); err != nil {
			return nil, fmt.Errorf("load kpi revisions: %w", err)
		}
		var k kpi.KPI
		if err := json.Unmarshal([]byte(doc), &k); err != nil {
			return nil, fmt.Errorf("decode revision of kpi %q: %w", name, err)
		}
		k.UpdatedAt = at.UTC()
		revs = append(revs, &kpi.KPIRevision{KPI: &k, Until: kpi.Date(until)})
	}
	return revs, rows.Err()
}

// loadScorecardRevisions returns the stored scorecard template revisions
// ordered by template name (byte order, the same in both dialects), then
// Until.
func (tx *Tx) loadScorecardRevisions(ctx context.Context, ws int64) ([]*kpi.ScorecardRevision, error) {
	rows, err := tx.query(ctx, `SELECT template, until_on, doc FROM scorecard_revisions WHERE workspace_id = $1`, ws)
	if err != nil {
		return nil, fmt.Errorf("load scorecard revisions: %w", err)
	}
	defer rows.Close()
	var revs []*kpi.ScorecardRevision
	for rows.Next() {
		var name, doc string
		var until int64
		if err := rows.Scan(&name, &until, &doc); err != nil {
			return nil, fmt.Errorf("load scorecard revisions: %w", err)
		}
		var t kpi.ScorecardTemplate
		if err := json.Unmarshal([]byte(doc), &t); err != nil {
			return nil, fmt.Errorf("decode revision of scorecard %q: %w", name, err)
		}
		revs = append(revs, &kpi.ScorecardRevision{Template: &t, Until: kpi.Date(until)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load scorecard revisions: %w", err)
	}
	slices.SortFunc(revs, func(a, b *kpi.ScorecardRevision) int {
		return cmp.Or(cmp.Compare(a.Template.Name, b.Template.Name), cmp.Compare(a.Until, b.Until))
	})
	return revs, nil
}

// findDataset returns the stored dataset; ENOTFOUND if there is none.
func (tx *Tx) findDataset(ctx context.Context, ws int64, name string) (*kpi.Dataset, error) {
	var doc string
	var at time.Time
	err := tx.queryRow(ctx, `SELECT doc, updated_at FROM definitions WHERE workspace_id = $1 AND kind = 'dataset' AND name = $2`, ws, name).Scan(&doc, &at)
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Dataset %q not found.", name)
	} else if err != nil {
		return nil, fmt.Errorf("find dataset %q: %w", name, err)
	}
	var ds kpi.Dataset
	if err := json.Unmarshal([]byte(doc), &ds); err != nil {
		return nil, fmt.Errorf("decode dataset %q: %w", name, err)
	}
	ds.UpdatedAt = at.UTC()
	return &ds, nil
}

// FindDefinitions returns the datasets, KPIs and scorecard templates in the
// order they were applied, the calendar, the KPI revisions ordered by KPI,
// then Until, and the scorecard revisions ordered by template name, then
// Until.
func (s *DefinitionService) FindDefinitions(ctx context.Context) (*kpi.Definitions, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var defs *kpi.Definitions
	err = s.db.read(ctx, func(tx *Tx) error {
		stored, err := tx.loadDefs(ctx, ws)
		if err != nil {
			return err
		}
		if defs, err = decodeDefs(stored); err != nil {
			return err
		}
		if defs.Revisions, err = tx.loadRevisions(ctx, ws); err != nil {
			return err
		}
		defs.ScorecardRevisions, err = tx.loadScorecardRevisions(ctx, ws)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find definitions: %w", err)
	}
	return defs, nil
}

// ApplyDefinitions makes the stored definitions equal defs: it creates,
// updates and deletes datasets, KPIs, scorecard templates (by name) and the
// calendar (one per workspace; nil deletes it), comparing canonical JSON,
// with an audit entry per change that carries opt.Reason, and bumps the
// definitions version if anything changed. With opt.DryRun it returns the
// changes and writes nothing, but refuses what it would refuse otherwise. A
// dataset that still has records is not deleted: ECONFLICT.
//
// With opt.EffectiveFrom, each KPI and each scorecard template that is
// updated or deleted keeps its stored definition as a revision in effect
// until the day before EffectiveFrom (audited as a kpi_revision or a
// scorecard_revision, with opt.Reason). A revision cannot end before an
// earlier revision of the same KPI or template ends: ECONFLICT. When it
// would end on the same day, the replaced definition was never in effect
// and no revision is kept. Without EffectiveFrom a change applies to all
// records and periods, past ones too, and the existing revisions are kept
// as they are: records and periods up to their Until still use them.
// Revisions are kept when a KPI or template is deleted too.
func (s *DefinitionService) ApplyDefinitions(ctx context.Context, defs *kpi.Definitions, opt kpi.ApplyOptions) ([]kpi.Change, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	if defs == nil {
		return nil, kpi.Errorf(kpi.EINVALID, "No definitions to apply.")
	}
	dryRun := opt.DryRun
	type want struct {
		kind, name string
		position   int
		doc        []byte
	}
	var wants []want
	seen := map[string]bool{}
	add := func(kind, name string, pos int, v any) error {
		if name == "" {
			return kpi.Errorf(kpi.EINVALID, "A %s has no name.", kind)
		}
		if seen[kind+"\x00"+name] {
			return kpi.Errorf(kpi.EINVALID, "The %s %q is defined twice.", kind, name)
		}
		seen[kind+"\x00"+name] = true
		doc, err := canonicalJSON(v)
		if err != nil {
			return err
		}
		wants = append(wants, want{kind, name, pos, doc})
		return nil
	}
	for i, ds := range defs.Datasets {
		if err := add(kindDataset, ds.Name, i, ds); err != nil {
			return nil, err
		}
	}
	for i, k := range defs.KPIs {
		if err := add(kindKPI, k.Name, i, k); err != nil {
			return nil, err
		}
	}
	for i, t := range defs.Scorecards {
		if err := add(kindScorecard, t.Name, i, t); err != nil {
			return nil, err
		}
	}
	for i, p := range defs.BonusPlans {
		if err := add(kindBonusPlan, p.Name, i, p); err != nil {
			return nil, err
		}
	}
	if defs.Calendar != nil {
		if err := add(kindCalendar, calendarName, 0, defs.Calendar); err != nil {
			return nil, err
		}
	}
	if defs.Policy != nil {
		if err := add(kindPolicy, calendarName, 0, defs.Policy); err != nil {
			return nil, err
		}
	}
	if defs.Awards != nil {
		if err := add(kindAwards, calendarName, 0, defs.Awards); err != nil {
			return nil, err
		}
	}

	changes := []kpi.Change{}
	run := s.db.write
	if dryRun {
		run = s.db.read
	}
	err = run(ctx, func(tx *Tx) error {
		if !dryRun {
			if _, err := tx.lockCounters(ctx, ws); err != nil {
				return err
			}
		}
		stored, err := tx.loadDefs(ctx, ws)
		if err != nil {
			return err
		}
		old := map[string]storedDef{}
		for _, d := range stored {
			old[d.kind+"\x00"+d.name] = d
		}
		var lastUntil map[string]kpi.Date // kind and name → the Until of its last revision
		if opt.EffectiveFrom != nil {
			if lastUntil, err = tx.lastRevisions(ctx, ws); err != nil {
				return err
			}
		}
		// keep keeps a changed or deleted KPI's or scorecard template's
		// stored definition as a revision when the change is effective
		// from a date; other kinds are not dated.
		keep := func(d storedDef) error {
			if opt.EffectiveFrom == nil || (d.kind != kindKPI && d.kind != kindScorecard) {
				return nil
			}
			until := opt.EffectiveFrom.AddDays(-1)
			last, ok := lastUntil[d.kind+"\x00"+d.name]
			switch {
			case ok && until < last && d.kind == kindKPI:
				return kpi.Errorf(kpi.ECONFLICT, "KPI %q has an earlier definition in effect until %s; a change to it cannot take effect before %s.", d.name, last, last.AddDays(1))
			case ok && until < last:
				return kpi.Errorf(kpi.ECONFLICT, "Scorecard template %q has an earlier version in effect until %s; a change to it cannot take effect before %s.", d.name, last, last.AddDays(1))
			case ok && until == last:
				return nil // the stored definition was never in effect
			case dryRun:
				return nil
			}
			if d.kind == kindScorecard {
				if _, err := tx.exec(ctx, `INSERT INTO scorecard_revisions (workspace_id, template, until_on, doc, updated_at) VALUES ($1, $2, $3, $4, $5)`,
					ws, d.name, int64(until), string(d.doc), d.updatedAt); err != nil {
					return fmt.Errorf("keep revision of scorecard %q: %w", d.name, err)
				}
				rev := struct {
					Template json.RawMessage `json:"template"`
					Until    kpi.Date        `json:"until"`
				}{json.RawMessage(d.doc), until}
				return tx.auditWhy(ctx, ws, "create", "scorecard_revision", d.name, nil, rev, opt.Reason)
			}
			if _, err := tx.exec(ctx, `INSERT INTO kpi_revisions (workspace_id, kpi, until_on, doc, updated_at) VALUES ($1, $2, $3, $4, $5)`,
				ws, d.name, int64(until), string(d.doc), d.updatedAt); err != nil {
				return fmt.Errorf("keep revision of kpi %q: %w", d.name, err)
			}
			rev := struct {
				KPI   json.RawMessage `json:"kpi"`
				Until kpi.Date        `json:"until"`
			}{json.RawMessage(d.doc), until}
			return tx.auditWhy(ctx, ws, "create", "kpi_revision", d.name, nil, rev, opt.Reason)
		}
		// Deletes first (templates and KPIs before the datasets they may
		// use), then creates and updates in the order given.
		for _, kind := range []string{kindAwards, kindPolicy, kindBonusPlan, kindCalendar, kindScorecard, kindKPI, kindDataset} {
			for _, d := range stored {
				if d.kind != kind || seen[d.kind+"\x00"+d.name] {
					continue
				}
				if kind == kindDataset {
					var n int
					if err := tx.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM records WHERE workspace_id = $1 AND dataset = $2 LIMIT 1) r`, ws, d.name).Scan(&n); err != nil {
						return fmt.Errorf("count records of %q: %w", d.name, err)
					}
					if n > 0 {
						return kpi.Errorf(kpi.ECONFLICT, "Dataset %q still has records; delete them before removing the dataset.", d.name)
					}
				}
				if err := keep(d); err != nil {
					return err
				}
				changes = append(changes, kpi.Change{Action: "delete", Kind: d.kind, Name: d.name})
				if dryRun {
					continue
				}
				if _, err := tx.exec(ctx, `DELETE FROM definitions WHERE workspace_id = $1 AND kind = $2 AND name = $3`, ws, d.kind, d.name); err != nil {
					return fmt.Errorf("delete %s %q: %w", d.kind, d.name, err)
				}
				if err := tx.auditWhy(ctx, ws, "delete", d.kind, d.name, json.RawMessage(d.doc), nil, opt.Reason); err != nil {
					return err
				}
			}
		}
		for _, w := range wants {
			o, exists := old[w.kind+"\x00"+w.name]
			switch {
			case !exists:
				changes = append(changes, kpi.Change{Action: "create", Kind: w.kind, Name: w.name})
				if dryRun {
					continue
				}
				if _, err := tx.exec(ctx, `INSERT INTO definitions (workspace_id, kind, name, position, doc, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
					ws, w.kind, w.name, w.position, string(w.doc), tx.now); err != nil {
					return fmt.Errorf("create %s %q: %w", w.kind, w.name, err)
				}
				if err := tx.auditWhy(ctx, ws, "create", w.kind, w.name, nil, json.RawMessage(w.doc), opt.Reason); err != nil {
					return err
				}
			case !bytes.Equal(o.doc, w.doc):
				if err := keep(o); err != nil {
					return err
				}
				changes = append(changes, kpi.Change{Action: "update", Kind: w.kind, Name: w.name})
				if dryRun {
					continue
				}
				if _, err := tx.exec(ctx, `UPDATE definitions SET position = $4, doc = $5, updated_at = $6 WHERE workspace_id = $1 AND kind = $2 AND name = $3`,
					ws, w.kind, w.name, w.position, string(w.doc), tx.now); err != nil {
					return fmt.Errorf("update %s %q: %w", w.kind, w.name, err)
				}
				if err := tx.auditWhy(ctx, ws, "update", w.kind, w.name, json.RawMessage(o.doc), json.RawMessage(w.doc), opt.Reason); err != nil {
					return err
				}
			case o.position != w.position && !dryRun:
				// Only the order moved: not a change worth a version.
				if _, err := tx.exec(ctx, `UPDATE definitions SET position = $4 WHERE workspace_id = $1 AND kind = $2 AND name = $3`,
					ws, w.kind, w.name, w.position); err != nil {
					return fmt.Errorf("reorder %s %q: %w", w.kind, w.name, err)
				}
			}
		}
		if len(changes) == 0 || dryRun {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE counters SET definitions_version = definitions_version + 1 WHERE workspace_id = $1`, ws); err != nil {
			return fmt.Errorf("bump definitions version: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("apply definitions: %w", err)
	}
	return changes, nil
}

// lastRevisions returns, per KPI and scorecard template with revisions
// (keyed by kind and name, as in ApplyDefinitions), the Until of its last
// one.
func (tx *Tx) lastRevisions(ctx context.Context, ws int64) (map[string]kpi.Date, error) {
	rows, err := tx.query(ctx, `SELECT 'kpi', kpi, max(until_on) FROM kpi_revisions WHERE workspace_id = $1 GROUP BY kpi
		UNION ALL SELECT 'scorecard', template, max(until_on) FROM scorecard_revisions WHERE workspace_id = $1 GROUP BY template`, ws)
	if err != nil {
		return nil, fmt.Errorf("load revisions: %w", err)
	}
	defer rows.Close()
	last := map[string]kpi.Date{}
	for rows.Next() {
		var kind, name string
		var until int64
		if err := rows.Scan(&kind, &name, &until); err != nil {
			return nil, fmt.Errorf("load revisions: %w", err)
		}
		last[kind+"\x00"+name] = kpi.Date(until)
	}
	return last, rows.Err()
}
