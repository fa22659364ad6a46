package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// MaxTasks is how many tasks one list returns at most.
const MaxTasks = 1000

// Tasks lists the tasks of employee ("" for everyone who may be seen).
func (a *App) Tasks(ctx context.Context, who kpi.Actor, employee string) ([]*kpi.Task, error) {
	vis, err := a.visibility(ctx, who, ReadTasks, kpi.Period{})
	if err != nil {
		return nil, err
	}
	var ids []string
	if employee != "" {
		ids = []string{employee}
	}
	if !vis.all || employee != "" {
		if ids, err = vis.employees(ids, ReadTasks); err != nil {
			return nil, err
		}
	}
	subj := make([]kpi.Subject, len(ids))
	for i, id := range ids {
		subj[i] = kpi.Subject{Kind: kpi.SubjectEmployee, ID: id}
	}
	if ctx, err = a.begin(ctx, who, ReadTasks, on{subjects: subj}); err != nil {
		return nil, err
	}
	ts, err := a.svc.Strategy.FindTasks(ctx, kpi.TaskFilter{Employees: ids})
	if len(ts) > MaxTasks {
		ts = ts[:MaxTasks]
	}
	return nonNil(ts), err
}

// TaskRequest sets a person a task.
type TaskRequest struct {
	Employee  string           `json:"employee"`
	Objective string           `json:"objective,omitempty"`
	Title     string           `json:"title"`
	Due       string           `json:"due"`
	Judged    string           `json:"judged,omitempty"` // done (default), percent, value
	Goal      *decimal.Decimal `json:"goal,omitempty"`
}

// CreateTask sets a person a task: their manager (or an admin), never
// they themselves.
func (a *App) CreateTask(ctx context.Context, who kpi.Actor, r TaskRequest) (*kpi.Task, error) {
	t := &kpi.Task{EmployeeID: r.Employee, ObjectiveID: r.Objective, Title: strings.TrimSpace(r.Title), Judged: r.Judged, Goal: r.Goal, Status: kpi.TaskOpen}
	if t.Judged == "" {
		t.Judged = kpi.JudgedDone
	}
	var probs []kpi.Problem
	bad := func(col, val, reason string) {
		probs = append(probs, kpi.Problem{Column: col, Value: val, Reason: reason})
	}
	if t.EmployeeID == "" {
		bad("employee", "", "whose task is it? give an employee id")
	}
	if t.Title == "" || len(t.Title) > 200 {
		bad("title", t.Title, "a title of 1 to 200 characters is required")
	}
	due, err := kpi.ParseDate(strings.TrimSpace(r.Due))
	if err != nil {
		bad("due", r.Due, "not a date: want YYYY-MM-DD")
	}
	t.Due = due
	switch t.Judged {
	case kpi.JudgedDone, kpi.JudgedPercent:
	case kpi.JudgedValue:
		if t.Goal == nil {
			bad("goal", "", "a task judged by value needs the value to reach")
		}
	default:
		bad("judged", t.Judged, "want done, percent or value")
	}
	if len(probs) > 0 {
		return nil, &kpi.Error{Code: kpi.EINVALID, Message: "The task is invalid.", Details: probs}
	}
	if ctx, err = a.begin(ctx, who, WriteTasks, onEmployee(t.EmployeeID, kpi.Period{})); err != nil {
		return nil, err
	}
	if _, err := a.svc.Org.FindEmployeeByID(ctx, t.EmployeeID); err != nil {
		return nil, err
	}
	if t.ObjectiveID != "" {
		objs, err := a.svc.Strategy.FindObjectives(ctx)
		if err != nil {
			return nil, err
		}
		found := false
		for _, o := range objs {
			found = found || o.ID == t.ObjectiveID
		}
		if !found {
			return nil, kpi.Errorf(kpi.EINVALID, "objective: %q: no such objective.", t.ObjectiveID)
		}
	}
	if err := a.svc.Strategy.CreateTask(ctx, t); err != nil {
		return nil, err
	}
	return t, a.taskRecord(ctx, t)
}

// TaskChange is what someone does to a task: the person reports progress
// or marks it done; their manager also confirms, reopens, cancels or
// moves it.
type TaskChange struct {
	Status   string           `json:"status,omitempty"`
	Progress *decimal.Decimal `json:"progress,omitempty"`
	Due      string           `json:"due,omitempty"`
	Title    string           `json:"title,omitempty"`
}

// ChangeTask applies ch to task id. The person whose task it is may
// report progress and mark it done; confirming, cancelling, reopening,
// renaming and moving the due day are their manager's (or an admin's).
func (a *App) ChangeTask(ctx context.Context, who kpi.Actor, id int64, ch TaskChange) (*kpi.Task, error) {
	t, err := a.svc.Strategy.FindTask(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), id)
	if err != nil {
		return nil, err
	}
	upd := kpi.TaskUpdate{Progress: ch.Progress}
	act := ReportTasks
	switch ch.Status {
	case "":
	case kpi.TaskDone:
		today, err := a.today(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID))
		if err != nil {
			return nil, err
		}
		d := &today
		upd.DoneOn = &d
	case kpi.TaskConfirmed, kpi.TaskCancelled, kpi.TaskOpen:
		act = WriteTasks
		if ch.Status == kpi.TaskOpen {
			var none *kpi.Date
			upd.DoneOn = &none
		}
	default:
		return nil, kpi.Errorf(kpi.EINVALID, "status: %q: want open, done, confirmed or cancelled.", ch.Status)
	}
	if ch.Status == kpi.TaskConfirmed && t.Status != kpi.TaskDone {
		return nil, kpi.Errorf(kpi.ECONFLICT, "Task %d is %s: only a task marked done can be confirmed.", id, t.Status)
	}
	if ch.Status != "" {
		upd.Status = &ch.Status
	}
	if ch.Title != "" {
		act = WriteTasks
		title := strings.TrimSpace(ch.Title)
		if len(title) > 200 {
			return nil, kpi.Errorf(kpi.EINVALID, "title: at most 200 characters.")
		}
		upd.Title = &title
	}
	if ch.Due != "" {
		act = WriteTasks
		d, err := kpi.ParseDate(ch.Due)
		if err != nil {
			return nil, kpi.Errorf(kpi.EINVALID, "due: %q is not a date: want YYYY-MM-DD.", ch.Due)
		}
		upd.Due = &d
	}
	if p := ch.Progress; p != nil && (p.IsNegative() || (t.Judged == kpi.JudgedPercent && p.GreaterThan(decimal.NewFromInt(100)))) {
		return nil, kpi.Errorf(kpi.EINVALID, "progress: %s: want 0 to 100 for a percentage, 0 or more for a value.", p)
	}
	if ctx, err = a.begin(ctx, who, act, onEmployee(t.EmployeeID, kpi.Period{})); err != nil {
		return nil, err
	}
	if t, err = a.svc.Strategy.UpdateTask(ctx, id, upd); err != nil {
		return nil, err
	}
	return t, a.taskRecord(ctx, t)
}

// TaskDataset is the dataset tasks are written to as records, when the
// workspace declares it: so tasks done on time can be a KPI, in a
// scorecard and a bonus statement, like any other.
const TaskDataset = "tasks"

// taskRecord writes t as a record of the tasks dataset, if the workspace
// has one: its key column gets the task's number, its owner column the
// person, and the columns named title, objective, status, judged, due,
// done_on, on_time, progress and goal the task's (other columns stay
// empty).
func (a *App) taskRecord(ctx context.Context, t *kpi.Task) error {
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return err
	}
	ds := defs.Dataset(TaskDataset)
	if ds == nil {
		return nil
	}
	text := map[string]string{ds.Key: strconv.FormatInt(t.ID, 10), ds.Owner: t.EmployeeID, "title": t.Title, "objective": t.ObjectiveID,
		"status": t.Status, "judged": t.Judged, "due": t.Due.String(), "on_time": strconv.FormatBool(OnTime(t))}
	if t.DoneOn != nil {
		text["done_on"] = t.DoneOn.String()
	}
	if t.Progress != nil {
		text["progress"] = t.Progress.String()
	}
	if t.Goal != nil {
		text["goal"] = t.Goal.String()
	}
	rec := kpi.Record{Key: text[ds.Key], Owner: t.EmployeeID, Values: make([]kpi.Value, len(ds.Columns))}
	for i, c := range ds.Columns {
		v, err := kpi.ParseValue(c, text[c.Name])
		if err != nil {
			return kpi.Errorf(kpi.EINVALID, "Task %d cannot be written to dataset %s: %v", t.ID, TaskDataset, err)
		}
		rec.Values[i] = v
	}
	_, err = a.svc.Records.UpsertRecords(ctx, TaskDataset, []kpi.Record{rec})
	return err
}

// OnTime reports whether a task was done by its due day.
func OnTime(t *kpi.Task) bool {
	return (t.Status == kpi.TaskDone || t.Status == kpi.TaskConfirmed) && t.DoneOn != nil && *t.DoneOn <= t.Due
}
