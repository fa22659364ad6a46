package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"time"

	"attain/kpi"
)

// PersonalData is everything Attain holds about one person, for them to
// take away (the right of access): who they are, their user, their
// records, targets and their history, statements with their inquiries, and
// the audit entries about them.
type PersonalData struct {
	Exported      time.Time                      `json:"exported"`
	Employee      *kpi.Employee                  `json:"employee"`
	Users         []*kpi.User                    `json:"users"`
	Records       map[string][]map[string]string `json:"records"` // by dataset, each record's cells
	Targets       []*kpi.Target                  `json:"targets"`
	TargetHistory []*kpi.TargetChange            `json:"target_history"`
	Statements    []*kpi.Statement               `json:"statements"`
	Audit         []*kpi.AuditEntry              `json:"audit"`
}

// PersonalDataFile is PersonalData of an employee as one JSON file
// (admins).
func (a *App) PersonalDataFile(ctx context.Context, who kpi.Actor, employee string) (*File, error) {
	ctx, err := a.begin(ctx, who, WriteUsers, on{})
	if err != nil {
		return nil, err
	}
	d := &PersonalData{Exported: a.now().UTC(), Records: map[string][]map[string]string{}}
	if d.Employee, err = a.svc.Org.FindEmployeeByID(ctx, employee); err != nil {
		return nil, err
	}
	users, err := a.svc.Users.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.EmployeeID == employee {
			d.Users = append(d.Users, u)
		}
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	for _, ds := range defs.Datasets {
		recs, err := a.svc.Records.FindRecords(ctx, ds.Name, kpi.RecordFilter{Owners: []string{employee}})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			d.Records[ds.Name] = append(d.Records[ds.Name], fields(ds, r))
		}
	}
	f := kpi.TargetFilter{Subjects: []kpi.Subject{{Kind: kpi.SubjectEmployee, ID: employee}}}
	if d.Targets, err = a.svc.Targets.FindTargets(ctx, f); err != nil {
		return nil, err
	}
	if d.TargetHistory, err = a.svc.Targets.TargetHistory(ctx, f); err != nil {
		return nil, err
	}
	if d.Statements, err = a.svc.Statements.FindStatements(ctx, kpi.StatementFilter{EmployeeID: employee}); err != nil {
		return nil, err
	}
	for _, st := range d.Statements {
		if st.Inquiries, err = a.svc.Statements.FindInquiries(ctx, employee, st.Period); err != nil {
			return nil, err
		}
	}
	about := [][2]string{{"employee", employee}}
	for _, u := range d.Users {
		about = append(about, [2]string{"user", u.Email})
	}
	for _, e := range about {
		entries, err := a.svc.Audit.FindAuditEntries(ctx, e[0], e[1], MaxAuditPage)
		if err != nil {
			return nil, err
		}
		d.Audit = append(d.Audit, entries...)
	}
	return &File{Name: "personal-data-" + employee + ".json", ContentType: "application/json", Count: 1,
		write: func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(d)
		}}, nil
}

// Pseudonymise erases what identifies an employee who has left, once the
// workspace policy's retention period after their leaving date is over
// (admins): their name becomes "Former employee" and a short code, their
// e-mail, pay and leave go, their user can no longer sign in. Their numbers
// stay, so payroll totals, team values and history add up as before.
func (a *App) Pseudonymise(ctx context.Context, who kpi.Actor, employee string) (string, error) {
	ctx, err := a.begin(ctx, who, WriteUsers, on{})
	if err != nil {
		return "", err
	}
	e, err := a.svc.Org.FindEmployeeByID(ctx, employee)
	if err != nil {
		return "", err
	}
	if e.LeftOn == nil {
		return "", kpi.Errorf(kpi.ECONFLICT, "%s has not left: set their leaving date first.", employee)
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return "", err
	}
	today, err := a.today(ctx)
	if err != nil {
		return "", err
	}
	if defs.Policy != nil && defs.Policy.RetentionMonths > 0 {
		until := kpi.DateOf(e.LeftOn.Time().AddDate(0, defs.Policy.RetentionMonths, 0), time.UTC)
		if today < until {
			return "", kpi.Errorf(kpi.ECONFLICT, "%s left on %s; the workspace keeps their data for %d months, until %s.", employee, *e.LeftOn, defs.Policy.RetentionMonths, until)
		}
	}
	sum := sha256.Sum256([]byte(employee))
	alias := "Former employee " + hex.EncodeToString(sum[:3])
	return alias, a.svc.Personal.Pseudonymise(ctx, employee, alias)
}
