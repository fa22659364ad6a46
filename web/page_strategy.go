package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
	"attain/web/svg"
)

// strategyPages are the strategy view (objectives, levels) and the tasks.
func (s *Server) strategyPages() []pageRoute {
	return []pageRoute{
		{"GET", "/strategy", false, s.pageStrategy},
		{"POST", "/strategy/levels", false, s.postLevel},
		{"POST", "/strategy/levels/{id}/decide", false, s.postDecideLevel},
		{"POST", "/strategy/scorecard", false, s.postScorecardLevels},
		{"POST", "/strategy/library", false, s.postLibrary},
		{"GET", "/tasks", false, s.pageTasks},
		{"POST", "/tasks", false, s.postTask},
		{"POST", "/tasks/{id}", false, s.postTaskChange},
	}
}

// strategyPage is the strategy view of a period.
type strategyPage struct {
	View       *app.StrategyView
	Objectives []objectiveCard
	Gaps       []app.StrategyGap
	Measured   int // objectives with a progress
	Flash      string
	FlashClass string
	// Levels: the form a unit head sets a level with, and the changes.
	Scope   []app.LevelSubject
	KPIs    []*kpi.KPI
	Form    levelForm
	Pending []levelRow
	Recent  []levelRow
	// Card is the form a unit head sets a scorecard with.
	Card *scorecardForm
	// The library, for admins: its entries and the apply form.
	Library []*app.LibraryEntry
	Lib     libraryForm
}

type libraryForm struct {
	Entry, Map, Values, Position, Currency string
	Error                                  string
	// The problems of the map field, of the values field, and those of
	// neither.
	MapProblems, ValueProblems, Problems []string
	Done                                 string
	Warnings                             []string
}

type levelForm struct {
	KPI, Subject, Period, Value, Reason string
	Error                               string
	Preview                             string // what a change would do, after "Preview"
}

type levelRow struct {
	ID                             int64
	KPI, Subject, Period           string
	Old, New, Baseline, Status, By string
	Why, StatusClass               string
}

type objectiveCard struct {
	ID, Title, Description string
	Unit, Period           string
	Depth                  int
	Hidden                 bool
	State                  string
	Progress, Pace         string
	ProgressValue          string
	PaceValue              string
	Meter                  template.HTML
	Lines                  []measureRow
	Missing                []string
	Units, Most, Least     []contributorRow
	Served                 []string
	Tasks, TasksDone       int
}

type measureRow struct {
	KPI, Title, Explain                    string
	Weight, Target, Actual, Expected       string
	Achievement, Pace                      string
	ActualValue, AchievementValue, PaceVal string
}

type contributorRow struct {
	Name, Link, Index, IndexValue string
}

func (s *Server) pageStrategy(w http.ResponseWriter, r *http.Request) error {
	return s.renderStrategy(w, r, http.StatusOK, levelForm{})
}

// renderStrategy shows the strategy page; form is the level form as typed
// (with its error, after a refused change).
func (s *Server) renderStrategy(w http.ResponseWriter, r *http.Request, status int, form levelForm) error {
	return s.renderStrategyWith(w, r, status, form, libraryForm{}, nil)
}

// renderStrategyWith shows the strategy page with the forms as typed:
// the level form, the library's and the scorecard form (nil: the one of
// the subject and period the query names).
func (s *Server) renderStrategyWith(w http.ResponseWriter, r *http.Request, status int, form levelForm, lib libraryForm, card *scorecardForm) error {
	v, err := s.newView(r, "Strategy", "strategy")
	if err != nil {
		return err
	}
	loc, err := v.Me.Workspace.Location()
	if err != nil {
		loc = time.UTC
	}
	today := kpi.DateOf(time.Now(), loc)
	period := r.URL.Query().Get("period")
	if period == "" {
		period = kpi.PeriodOf(kpi.Year, today).Label()
	}
	v.period(r)
	v.Picker.Period = period
	for i := range v.Picker.Quick {
		v.Picker.Quick[i].Current = v.Picker.Quick[i].Label == period
	}
	sv, err := s.App.Strategy(r.Context(), who(r), period)
	if err != nil {
		return err
	}
	f := v.F
	pg := &strategyPage{View: sv, Gaps: sv.Gaps, Form: form, Lib: lib}
	if v.Me.MayAdmin {
		if pg.Library, err = s.App.Library(r.Context(), who(r), ""); err != nil {
			return err
		}
	}
	switch r.URL.Query().Get("done") {
	case kpi.LevelApplied:
		pg.Flash, pg.FlashClass = "The level is set: inside the guardrails, it applies at once.", "ok"
	case kpi.LevelPending:
		pg.Flash, pg.FlashClass = "The change is above the guardrails: it waits for the next level up.", "ok"
	case kpi.LevelApproved, kpi.LevelRejected:
		pg.Flash, pg.FlashClass = "The level change is "+r.URL.Query().Get("done")+".", "ok"
	}
	for _, ov := range sv.Objectives {
		o := ov.Objective
		c := objectiveCard{ID: o.ID, Title: o.Title, Description: o.Description, Unit: ov.UnitName, Period: o.Period.Label(),
			Depth: ov.Depth, Hidden: ov.Hidden, Tasks: ov.Tasks, TasksDone: ov.TasksDone}
		if c.Unit == "" {
			c.Unit = ov.UnitID
		}
		switch {
		case ov.Open && ov.Elapsed == 0:
			c.State = "not started"
		case ov.Open:
			c.State = "open: " + itoa(int64(ov.Elapsed)) + " of " + itoa(int64(ov.WorkingDays)) + " working days"
		default:
			c.State = "closed"
		}
		for _, sb := range ov.Served {
			c.Served = append(c.Served, sb.Template+": "+sb.KPI)
		}
		if p := ov.Progress; p != nil {
			if !p.ProgressNull {
				pg.Measured++
				c.Progress, c.ProgressValue = points2(f, p.Progress), p.Progress.String()
				if !p.PaceNull {
					c.Pace, c.PaceValue = points2(f, p.Pace), p.Pace.String()
				}
				class := "good"
				if p.Progress.LessThan(decimal.NewFromInt(80)) && (p.PaceNull || p.Pace.LessThan(decimal.NewFromInt(100))) {
					class = "bad"
				}
				mark := 0.0
				if ov.Open && ov.WorkingDays > 0 {
					mark = 100 * float64(ov.Elapsed) / float64(ov.WorkingDays)
				}
				c.Meter = svg.Meter{Label: "Progress of " + o.Title, Value: p.Progress.InexactFloat64(), Max: 150, Target: 100, Mark: mark,
					Class: class, ValueText: c.Progress + " of target", MarkText: "due by now"}.SVG()
			}
			c.Missing = p.Missing
			for _, l := range p.Lines {
				k := sv.KPIs[l.KPI]
				m := measureRow{KPI: l.KPI, Title: l.KPI, Weight: f.Number(l.Weight, 2), Target: f.Value(k, l.Target, false),
					Actual: f.Value(k, l.Actual, l.Null), Expected: f.Value(k, l.Expected, false), Achievement: "–", Pace: "–",
					Explain: "/explain?" + pairs("kpi", l.KPI, "unit", ov.UnitID, "period", rangeLabel(o.Period))}
				if k != nil && k.Title != "" {
					m.Title = k.Title
				}
				if !l.Null {
					m.ActualValue = l.Actual.String()
				}
				if !l.AchievementNull {
					m.Achievement, m.AchievementValue = points2(f, l.Achievement), l.Achievement.String()
				}
				if !l.PaceNull {
					m.Pace, m.PaceVal = points2(f, l.Pace), l.Pace.String()
				}
				c.Lines = append(c.Lines, m)
			}
		}
		row := func(cs []app.Contributor) []contributorRow {
			var out []contributorRow
			for _, x := range cs {
				link := "/people/" + x.Subject.ID + "?" + pairs("period", o.Period.Label())
				if x.Subject.Kind == kpi.SubjectUnit {
					link = "/team?" + pairs("unit", x.Subject.ID)
				}
				out = append(out, contributorRow{Name: x.Name, Link: link, Index: f.Number(x.Index, 1), IndexValue: x.Index.String()})
			}
			return out
		}
		c.Units, c.Most, c.Least = row(ov.Units), row(ov.Most), row(ov.Least)
		pg.Objectives = append(pg.Objectives, c)
	}
	// Levels: who may set them, and the changes they may see.
	if pg.Scope, err = s.App.LevelScope(r.Context(), who(r)); err != nil {
		return err
	}
	if len(pg.Scope) > 0 {
		defs, err := s.App.Definitions(r.Context(), who(r))
		if err != nil {
			return err
		}
		pg.KPIs = defs.KPIs
		if pg.Form.Period == "" {
			pg.Form.Period = kpi.PeriodOf(kpi.Month, today).Label()
		}
		if pg.Card, err = s.scorecardFormOf(r, pg.Scope, defs, today, card); err != nil {
			return err
		}
	}
	changes, err := s.App.LevelChanges(r.Context(), who(r), "")
	if err != nil && kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		return err
	}
	names := map[kpi.Subject]string{}
	if len(changes) > 0 {
		units, err := s.App.Units(r.Context(), who(r))
		if err != nil {
			return err
		}
		for _, u := range units {
			names[kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}] = u.Name
		}
		emps, err := s.App.Employees(r.Context(), who(r), kpi.EmployeeFilter{})
		if err != nil {
			return err
		}
		for _, e := range emps {
			names[kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}] = e.Name
		}
	}
	for _, c := range changes {
		subject := names[c.Subject]
		if subject == "" {
			subject = c.Subject.String()
		}
		lr := levelRow{ID: c.ID, KPI: c.KPI, Subject: subject, Period: c.Period.Label(), New: f.Number(c.New, 2),
			Old: "–", Baseline: "–", Status: c.Status, By: c.By, Why: c.Why, StatusClass: "info"}
		if c.Scorecard != "" { // a scorecard change: what it moves, from when
			lr.KPI, lr.Period, lr.New = "scorecard "+c.Scorecard, "from "+c.Period.From.String(), strings.Join(c.Changed, ", ")
		}
		if c.Old != nil {
			lr.Old = f.Number(*c.Old, 2)
		}
		if c.Baseline != nil {
			lr.Baseline = f.Number(*c.Baseline, 2)
		}
		switch c.Status {
		case kpi.LevelApplied, kpi.LevelApproved:
			lr.StatusClass = "good"
		case kpi.LevelRejected:
			lr.StatusClass = "bad"
		case kpi.LevelPending:
			lr.StatusClass = "open"
			pg.Pending = append(pg.Pending, lr)
			continue
		}
		if len(pg.Recent) < 10 {
			pg.Recent = append(pg.Recent, lr)
		}
	}
	v.Data = pg
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return s.render(w, r, "strategy", v)
}

// rangeLabel is a period as /explain reads it.
func rangeLabel(p kpi.Period) string { return p.Label() }

// postLevel is the level form: a change inside the guardrails applies, one
// above waits; one the guardrails refuse shows the form again, as typed,
// with the reason.
func (s *Server) postLevel(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "Cannot read the form.")
	}
	form := levelForm{KPI: r.PostFormValue("kpi"), Subject: r.PostFormValue("subject"), Period: strings.TrimSpace(r.PostFormValue("period")),
		Value: strings.TrimSpace(r.PostFormValue("value")), Reason: r.PostFormValue("reason")}
	req := app.LevelRequest{KPI: form.KPI, Period: form.Period, Reason: form.Reason, DryRun: r.PostFormValue("dry_run") == "true"}
	kind, id, _ := strings.Cut(form.Subject, ":")
	switch kind {
	case kpi.SubjectEmployee:
		req.Employee = id
	case kpi.SubjectUnit:
		req.Unit = id
	}
	var err error
	if req.Value, err = decimal.NewFromString(form.Value); err != nil {
		form.Error = "value: " + form.Value + " is not a number."
		return s.renderStrategy(w, r, http.StatusBadRequest, form)
	}
	c, err := s.App.SetLevel(r.Context(), who(r), req)
	if err != nil {
		if code := kpi.ErrorCode(err); code == kpi.EINVALID || code == kpi.ENOTFOUND || code == kpi.ECONFLICT {
			form.Error = kpi.ErrorMessage(err)
			return s.renderStrategy(w, r, http.StatusBadRequest, form)
		}
		return err
	}
	if req.DryRun {
		form.Preview = "Would be " + c.Status + ": " + c.Why
		return s.renderStrategy(w, r, http.StatusOK, form)
	}
	http.Redirect(w, r, "/strategy?"+pairs("period", r.URL.Query().Get("period"), "done", c.Status)+"#levels", http.StatusSeeOther)
	return nil
}

func (s *Server) postDecideLevel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Level change")
	if err != nil {
		return err
	}
	c, err := s.App.DecideLevel(r.Context(), who(r), id, r.PostFormValue("approve") == "true")
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/strategy?"+pairs("period", r.URL.Query().Get("period"), "done", c.Status)+"#levels", http.StatusSeeOther)
	return nil
}

// tasksPage lists the tasks one may see, with the form a manager sets a
// task with.
type tasksPage struct {
	Rows       []taskRow
	People     []app.LevelSubject
	Objectives []*kpi.Objective
	Form       taskForm
	Flash      string
}

type taskForm struct {
	Employee, Objective, Title, Due string
	Error                           string
}

type taskRow struct {
	ID                                 int64
	Person, Objective, Title, Due      string
	Status, StatusClass, Done, OnTime  string
	MayDone, MayConfirm, Mine, Overdue bool
}

func (s *Server) pageTasks(w http.ResponseWriter, r *http.Request) error {
	return s.renderTasks(w, r, http.StatusOK, taskForm{})
}

func (s *Server) renderTasks(w http.ResponseWriter, r *http.Request, status int, form taskForm) error {
	v, err := s.newView(r, "Tasks", "tasks")
	if err != nil {
		return err
	}
	ts, err := s.App.Tasks(r.Context(), who(r), "")
	if err != nil && kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		return err
	}
	emps, err := s.App.Employees(r.Context(), who(r), kpi.EmployeeFilter{})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, e := range emps {
		names[e.ID] = e.Name
	}
	objs, err := s.App.Objectives(r.Context(), who(r))
	if err != nil {
		return err
	}
	titles := map[string]string{}
	for _, o := range objs {
		titles[o.ID] = o.Title
	}
	loc, _ := v.Me.Workspace.Location()
	if loc == nil {
		loc = time.UTC
	}
	today := kpi.DateOf(time.Now(), loc)
	pg := &tasksPage{Objectives: objs, Form: form}
	if r.URL.Query().Get("done") != "" {
		pg.Flash = "Saved."
	}
	scope, err := s.App.LevelScope(r.Context(), who(r))
	if err != nil {
		return err
	}
	for _, sc := range scope {
		if sc.Subject.Kind == kpi.SubjectEmployee {
			pg.People = append(pg.People, sc)
		}
	}
	manages := map[string]bool{}
	for _, p := range pg.People {
		manages[p.Subject.ID] = true
	}
	for _, t := range ts {
		row := taskRow{ID: t.ID, Person: names[t.EmployeeID], Objective: titles[t.ObjectiveID], Title: t.Title, Due: v.F.Date(t.Due),
			Status: t.Status, StatusClass: "info", Mine: t.EmployeeID == v.Me.EmployeeID}
		if row.Person == "" {
			row.Person = t.EmployeeID
		}
		if t.DoneOn != nil {
			row.Done = v.F.Date(*t.DoneOn)
			row.OnTime = "late"
			if app.OnTime(t) {
				row.OnTime = "on time"
			}
		}
		switch t.Status {
		case kpi.TaskConfirmed:
			row.StatusClass = "good"
		case kpi.TaskDone:
			row.StatusClass = "good"
			row.MayConfirm = manages[t.EmployeeID] || v.Me.MayAdmin
		case kpi.TaskOpen:
			row.MayDone = row.Mine || manages[t.EmployeeID] || v.Me.MayAdmin
			row.Overdue = t.Due < today
			if row.Overdue {
				row.StatusClass = "bad"
			}
		}
		pg.Rows = append(pg.Rows, row)
	}
	v.Data = pg
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return s.render(w, r, "tasks", v)
}

func (s *Server) postTask(w http.ResponseWriter, r *http.Request) error {
	form := taskForm{Employee: r.PostFormValue("employee"), Objective: r.PostFormValue("objective"), Title: r.PostFormValue("title"), Due: r.PostFormValue("due")}
	_, err := s.App.CreateTask(r.Context(), who(r), app.TaskRequest{Employee: form.Employee, Objective: form.Objective, Title: form.Title, Due: form.Due})
	if err != nil {
		if kpi.ErrorCode(err) == kpi.EINVALID || kpi.ErrorCode(err) == kpi.ENOTFOUND {
			form.Error = problems(err)
			return s.renderTasks(w, r, http.StatusBadRequest, form)
		}
		return err
	}
	http.Redirect(w, r, "/tasks?done=1", http.StatusSeeOther)
	return nil
}

func (s *Server) postTaskChange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Task")
	if err != nil {
		return err
	}
	if _, err := s.App.ChangeTask(r.Context(), who(r), id, app.TaskChange{Status: r.PostFormValue("status")}); err != nil {
		return err
	}
	http.Redirect(w, r, "/tasks?done=1", http.StatusSeeOther)
	return nil
}

// problems is an error's message with the problems it lists.
func problems(err error) string {
	msg := kpi.ErrorMessage(err)
	var e *kpi.Error
	if errors.As(err, &e) {
		for _, p := range e.Details {
			msg += " " + p.Column + ": " + p.Reason + "."
		}
	}
	return msg
}

// points2 writes a percentage in points to the 2 places it is computed to.
func points2(f *Formatter, p decimal.Decimal) string { return f.Number(p, 2) + "\u00a0%" }

// postLibrary applies a library entry from the strategy page (admins):
// the mapping as THEIRS=OURS pairs separated by commas, the value mapping
// as COLUMN:THEIRS=OURS lines; a problem shows the form again, as typed,
// with each problem at its field.
func (s *Server) postLibrary(w http.ResponseWriter, r *http.Request) error {
	lib := libraryForm{Entry: r.PostFormValue("entry"), Map: r.PostFormValue("map"), Values: r.PostFormValue("values"), Position: r.PostFormValue("position"), Currency: r.PostFormValue("currency")}
	req := app.LibraryRequest{Entry: lib.Entry, Position: strings.TrimSpace(lib.Position), Currency: strings.TrimSpace(lib.Currency), Map: map[string]string{},
		DryRun: r.PostFormValue("dry_run") == "true", Reason: "library entry from the strategy page"}
	for _, pair := range strings.Split(lib.Map, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		from, to, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
			lib.Error = "The mapping cannot be read."
			lib.MapProblems = []string{strings.TrimSpace(pair) + ": want THEIRS=OURS, like amount=close_value."}
			return s.renderStrategyWith(w, r, http.StatusBadRequest, levelForm{}, lib, nil)
		}
		req.Map[strings.TrimSpace(from)] = strings.TrimSpace(to)
	}
	var lines []string
	for l := range strings.Lines(lib.Values) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	var err error
	if req.Values, err = app.ParseValueMap(lines); err != nil {
		return s.libraryProblems(w, r, lib, err)
	}
	res, err := s.App.ApplyLibrary(r.Context(), who(r), req)
	if err != nil {
		return s.libraryProblems(w, r, lib, err)
	}
	lib.Warnings = res.Warnings
	var done []string
	for _, c := range res.Changes {
		done = append(done, c.Action+" "+c.Kind+" "+c.Name)
	}
	lib.Done = "No changes."
	if len(done) > 0 {
		lib.Done = strings.Join(done, ", ") + "."
	}
	if req.DryRun {
		lib.Done = "Would " + lib.Done
	}
	if len(res.Kept) > 0 {
		lib.Done += " Kept your own " + strings.Join(res.Kept, ", ") + "."
	}
	return s.renderStrategyWith(w, r, http.StatusOK, levelForm{}, lib, nil)
}

// libraryProblems shows the library form again, as typed, with err: each
// problem at the field it is about (the map or the values).
func (s *Server) libraryProblems(w http.ResponseWriter, r *http.Request, lib libraryForm, err error) error {
	if code := kpi.ErrorCode(err); code != kpi.EINVALID && code != kpi.ENOTFOUND && code != kpi.ECONFLICT {
		return err
	}
	lib.Error = kpi.ErrorMessage(err)
	for _, p := range kpi.ErrorDetails(err) {
		switch text := strings.TrimSpace(p.Column + " " + p.Value + ": " + p.Reason); {
		case p.File == app.ValuesInput:
			lib.ValueProblems = append(lib.ValueProblems, text)
		case p.Column != "":
			lib.MapProblems = append(lib.MapProblems, text)
		default:
			lib.Problems = append(lib.Problems, text)
		}
	}
	return s.renderStrategyWith(w, r, http.StatusBadRequest, levelForm{}, lib, nil)
}
