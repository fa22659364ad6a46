package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/calc/bonus"
	"attain/calc/score"
	"attain/kpi"
)

// Limits of the statement page's forms.
const (
	maxPageForm     = 64 << 10 // bytes of a posted form
	maxInquiryText  = 2000     // characters of an inquiry or an answer
	statementMonths = 6        // months the period picker offers
)

// StatementPages are the pages of a bonus statement: the statement with
// its what-if, steps and inquiries.
func (s *Server) StatementPages() []pageRoute {
	return []pageRoute{
		{"GET", "/statements/me", false, s.pageMyStatement},
		{"GET", "/statements/{employee}/{period}", false, s.pageStatement},
		{"POST", "/statements/{employee}/{period}/what-if", false, s.postStatementWhatIf},
		{"POST", "/statements/{employee}/{period}/step", false, s.postStatementStep},
		{"POST", "/statements/{employee}/{period}/inquiries", false, s.postStatementInquiry},
		{"POST", "/statements/{employee}/{period}/inquiries/{id}/answer", false, s.postStatementAnswer},
	}
}

// statementPage is a statement ready to show.
type statementPage struct {
	Page     *app.StatementPage
	St       *app.Statement
	Path     string // /statements/EMPLOYEE/PERIOD
	Payout   string
	Sections []stSection
	Steps    []stStep
	// Inquiries are every inquiry on the statement, with the answer form
	// state of each.
	Inquiries []stInquiry
	WhatIf    stWhatIf
	Months    []quickPick
	Flash     string
	FlashErr  string
	// InquiryLine and InquiryText keep what was typed into an inquiry
	// form that was refused; InquiryErr says why.
	InquiryLine, InquiryText, InquiryErr string
	// Money tells the what-if script how the workspace writes money.
	Money moneyFormat
	Zero  string // no change, as money
	keep  *answerKeeper
}

// moneyFormat is how the workspace writes numbers and money, for the
// script that shows what-if results as the server would.
type moneyFormat struct {
	Group, Decimal, Symbol string
	SymbolFirst            bool
}

type stSection struct {
	Plan, Span string
	Lines      []stLine
	Payout     string
}

// stLine is one line of a statement: its rule and the records behind it.
type stLine struct {
	ID, Label, Kind, Rule string
	Result, ResultRaw     string
	Inputs                []stInput
	Explain               string // the /explain page of a KPI line
	Scorecard             string // the scorecard page of the score line
	Records               []stRecord
	Total                 bool
	Inquiries             int
}

type stInput struct{ Name, Value string }

type stRecord struct {
	Key, Date, Value, Paid, Note string
}

type stStep struct{ Step, Label string }

type stInquiry struct {
	*kpi.Inquiry
	LineLabel    string
	Asked        string
	Answered     string
	MayAnswer    bool
	Typed, Error string
}

// stWhatIf is the what-if panel: an input per KPI, and the result of a
// what-if sent without the script.
type stWhatIf struct {
	Error  string // why there is no what-if
	KPIs   []stWhatIfKPI
	Result *stWhatIfResult
}

type stWhatIfKPI struct {
	KPI, Title, Unit string
	Actual, Value    string // as the API reads them: the actual, and what was typed
	Step             string
	Shown            string // the actual as the workspace writes it
	Scored           bool
	Error            string
}

type stWhatIfResult struct {
	Payout, PayoutRaw, Delta, DeltaRaw string
	Lines                              []stChanged
	Score                              string
}

type stChanged struct{ Label, Was, Now string }

func (s *Server) pageMyStatement(w http.ResponseWriter, r *http.Request) error {
	me, err := s.App.Me(r.Context(), who(r))
	if err != nil {
		return err
	}
	if me.Employee == nil {
		return kpi.Errorf(kpi.ENOTFOUND, "You are not an employee of this workspace, so you have no bonus statement of your own.")
	}
	f := formatter(me)
	month := kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), f.loc))
	http.Redirect(w, r, statementPath(me.Employee.ID, month.Label()), http.StatusSeeOther)
	return nil
}

func statementPath(employee, period string) string {
	return "/statements/" + url.PathEscape(employee) + "/" + url.PathEscape(period)
}

func (s *Server) pageStatement(w http.ResponseWriter, r *http.Request) error {
	if p := r.URL.Query().Get("period"); p != "" && p != r.PathValue("period") {
		http.Redirect(w, r, statementPath(r.PathValue("employee"), p), http.StatusSeeOther)
		return nil
	}
	pg := &statementPage{}
	switch r.URL.Query().Get("done") {
	case "approve":
		pg.Flash = "Approved."
	case "lock":
		pg.Flash = "Locked for good."
	case "pay":
		pg.Flash = "Marked paid."
	case "inquiry":
		pg.Flash = "Your question is sent; the answer will show here."
	case "answer":
		pg.Flash = "Answer saved."
	}
	return s.statement(w, r, pg, nil)
}

// statement renders the statement page; typed are the what-if values a
// form sent (nil: the actuals).
func (s *Server) statement(w http.ResponseWriter, r *http.Request, pg *statementPage, typed map[string]string) error {
	v, err := s.newView(r, "Bonus statement", "statement")
	if err != nil {
		return err
	}
	// The change counters before the numbers: records that arrive while
	// they are computed show as new numbers, never as missed ones.
	vs, err := s.App.Versions(r.Context(), who(r))
	if err != nil {
		return err
	}
	v.Versions = versions(vs)
	ref := statementOf(r)
	sp, err := s.App.StatementPage(r.Context(), who(r), ref)
	if err != nil {
		return err
	}
	if v.Me.Employee == nil || v.Me.Employee.ID != ref.Employee {
		v.Section = "" // someone else's statement: not "My bonus"
	}
	st := sp.Statement
	f := v.F
	v.Title = st.Employee.Name + " · " + st.Label
	v.Computed = time.Now()
	pg.Page, pg.St, pg.Path = sp, st, statementPath(ref.Employee, st.Label)
	pg.Payout, pg.Zero = f.Money(st.Payout, st.Currency), f.Money(decimal.Zero, st.Currency)
	pg.Money = moneyFormat{Group: f.group, Decimal: f.decimal, Symbol: f.symbol(st.Currency), SymbolFirst: f.symbolFirst}
	defs, err := s.App.Definitions(r.Context(), who(r))
	if err != nil {
		return err
	}
	labels := map[string]string{}
	for _, sec := range st.Sections {
		out := stSection{Plan: sec.Plan, Span: f.Date(sec.From) + " – " + f.Date(sec.To), Payout: f.Money(sec.Evaluation.Payout, st.Currency)}
		for _, l := range sec.Evaluation.Lines {
			out.Lines = append(out.Lines, s.stLineOf(f, defs, st, l))
			labels[l.ID] = l.Label
		}
		pg.Sections = append(pg.Sections, out)
	}
	for _, q := range st.Inquiries {
		for i := range pg.Sections {
			for j := range pg.Sections[i].Lines {
				if pg.Sections[i].Lines[j].ID == q.Line {
					pg.Sections[i].Lines[j].Inquiries++
				}
			}
		}
		iq := stInquiry{Inquiry: q, LineLabel: labels[q.Line], Asked: f.Time(q.AskedAt), MayAnswer: sp.MayAnswer && q.Answer == ""}
		if iq.LineLabel == "" {
			iq.LineLabel = q.Line
		}
		if k := pg.keep; k != nil && k.id == q.ID {
			iq.Typed, iq.Error = k.text, k.err
		}
		if q.AnsweredAt != nil {
			iq.Answered = f.Time(*q.AnsweredAt)
		}
		pg.Inquiries = append(pg.Inquiries, iq)
	}
	if sp.MayApprove {
		label := "Approve"
		if st.Status == kpi.StatusApproved {
			label = "Approve again"
		}
		pg.Steps = append(pg.Steps, stStep{string(app.Approve), label})
	}
	if sp.MayLock {
		pg.Steps = append(pg.Steps, stStep{string(app.Lock), "Lock for good"})
	}
	if sp.MayPay {
		pg.Steps = append(pg.Steps, stStep{string(app.Pay), "Mark paid"})
	}
	pg.WhatIf.Error = sp.WhatIfError
	for _, k := range sp.KPIs {
		def := defs.KPI(k.KPI)
		wk := stWhatIfKPI{KPI: k.KPI, Title: k.KPI, Scored: k.Scored, Shown: f.Value(def, k.Actual, k.Null), Step: whatIfStep(def, k.Actual)}
		if def != nil {
			wk.Title, wk.Unit = def.Title, string(def.Unit)
			if wk.Title == "" {
				wk.Title = k.KPI
			}
		}
		if !k.Null {
			wk.Actual = k.Actual.String()
		} else {
			wk.Actual = "0"
		}
		wk.Value = wk.Actual
		if t, ok := typed[k.KPI]; ok {
			wk.Value = t
		}
		pg.WhatIf.KPIs = append(pg.WhatIf.KPIs, wk)
	}
	if typed != nil {
		s.whatIfResult(r, f, st, pg)
	}
	pg.Months = monthPicks(ref.Employee, st.Period, f)
	v.Data = pg
	return s.render(w, r, "statement", v)
}

// stLineOf makes a line ready to show: its kind, its inputs written in
// their units, and the records behind it.
func (s *Server) stLineOf(f *Formatter, defs *kpi.Definitions, st *app.Statement, l kpi.StatementLine) stLine {
	out := stLine{ID: l.ID, Label: l.Label, Rule: l.Rule, Result: lineValue(f, l.Result, l.Unit, st.Currency), ResultRaw: l.Result.String(), Kind: lineKind(l.ID)}
	out.Total = out.Kind == "total"
	for _, in := range l.Inputs {
		out.Inputs = append(out.Inputs, stInput{Name: in.Name, Value: lineValue(f, in.Value, in.Unit, st.Currency)})
	}
	if l.KPI != nil {
		out.Explain = "/explain?" + pairs("kpi", l.KPI.KPI, l.KPI.Subject.Kind, l.KPI.Subject.ID, "period", l.KPI.Period.Label())
		if k := defs.KPI(l.KPI.KPI); k != nil && k.Title != "" && l.Label == l.KPI.KPI {
			out.Label = k.Title + " (" + l.KPI.KPI + ")"
		}
	}
	if l.ID == "score" {
		out.Scorecard = "/people/" + url.PathEscape(st.Employee.ID) + "?" + pairs("period", st.Label)
	}
	// A commission's amount: the records it was paid on.
	if strings.HasSuffix(l.ID, ".amount") {
		for _, in := range l.Inputs {
			for _, a := range st.Attributions {
				if a.KPI != in.Name {
					continue
				}
				rec := stRecord{Key: a.Key, Date: f.Date(a.Date), Value: f.Number(a.Value, 2), Paid: f.Money(a.Paid, st.Currency)}
				if a.ReversedIn != nil {
					rec.Note = "clawed back in " + a.ReversedIn.Label()
				}
				out.Records = append(out.Records, rec)
			}
			if len(out.Records) > 0 && out.Explain == "" {
				out.Explain = "/explain?" + pairs("kpi", in.Name, kpi.SubjectEmployee, st.Employee.ID, "period", st.Label)
			}
		}
	}
	// A clawback: the records of earlier statements it takes back.
	if strings.HasPrefix(l.ID, "clawback.") {
		for _, rv := range st.Reversals {
			out.Records = append(out.Records, stRecord{Key: rv.Key, Note: rv.KPI + ", paid in " + rv.Period.Label()})
		}
	}
	return out
}

// lineKind sorts a line by its id: a KPI, a tier, a per-record commission,
// a clawback, an adjustment, a true-up, a total or another step.
func lineKind(id string) string {
	switch {
	case strings.HasPrefix(id, "kpi."):
		return "kpi"
	case strings.HasPrefix(id, "clawback."):
		return "clawback"
	case strings.HasPrefix(id, "adjustment."):
		return "adjustment"
	case strings.HasPrefix(id, "true_up"):
		return "true-up"
	case strings.HasPrefix(id, "projection."):
		return "projection"
	case id == "payout" || id == "earned":
		return "total"
	case strings.Contains(id, ".record."):
		return "record"
	case strings.Contains(id, ".tier"):
		return "tier"
	}
	return "step"
}

// lineValue writes a value of a statement line in its unit: money in the
// statement's currency, a percent in points, other numbers to 2 places.
func lineValue(f *Formatter, v decimal.Decimal, unit, currency string) string {
	switch unit {
	case "money":
		return f.Money(v, currency)
	case "percent":
		return f.Number(v, 2) + "\u00a0%"
	}
	if v.Equal(v.Truncate(0)) {
		return f.Number(v, 0)
	}
	return f.Number(v, 2)
}

// whatIfStep is what the + and − buttons of a what-if input add: one for
// a count, otherwise about a tenth of the actual, a power of ten.
func whatIfStep(k *kpi.KPI, actual decimal.Decimal) string {
	if k == nil || k.Unit == kpi.UnitCount {
		return "1"
	}
	a := actual.Abs()
	if a.LessThan(decimal.NewFromInt(10)) {
		if k.Unit == kpi.UnitPercent {
			return "0.01"
		}
		return "1"
	}
	digits := len(a.Truncate(0).String())
	return decimal.New(1, int32(digits-2)).String()
}

// statementMonths_ are the month picks: the statement's month and the
// months before it.
func monthPicks(employee string, p kpi.Period, f *Formatter) []quickPick {
	today := kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), f.loc))
	var out []quickPick
	m := today
	for range statementMonths {
		out = append(out, quickPick{Name: m.Label(), Label: m.Label(), URL: statementPath(employee, m.Label()), Current: m.Label() == p.Label()})
		m = score.Previous(m)
	}
	return out
}

// readPageForm reads a posted form, bounded.
func readPageForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPageForm)
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "The form could not be read (at most %d KB).", maxPageForm>>10)
	}
	return nil
}

// postStatementWhatIf is the what-if without the script: the form's
// actuals, each a number, recompute the statement on the page.
func (s *Server) postStatementWhatIf(w http.ResponseWriter, r *http.Request) error {
	if err := readPageForm(w, r); err != nil {
		return err
	}
	typed := map[string]string{}
	for k, vs := range r.PostForm {
		if name, ok := strings.CutPrefix(k, "kpi."); ok && len(vs) > 0 {
			typed[name] = strings.TrimSpace(vs[0])
		}
	}
	return s.statement(w, r, &statementPage{}, typed)
}

// whatIfResult computes the what-if of the typed values and puts the
// result (or the error at its field) on the page.
func (s *Server) whatIfResult(r *http.Request, f *Formatter, st *app.Statement, pg *statementPage) {
	var changes []bonus.Change
	bad := false
	for i := range pg.WhatIf.KPIs {
		k := &pg.WhatIf.KPIs[i]
		if k.Value == k.Actual {
			continue
		}
		d, err := decimal.NewFromString(k.Value)
		if err != nil || len(k.Value) > 40 {
			k.Error = "“" + k.Value + "” is not a number; write it like 12 or 1500.50."
			bad = true
			continue
		}
		changes = append(changes, bonus.Change{KPI: k.KPI, Set: &d})
	}
	if bad {
		return
	}
	if len(changes) == 0 {
		pg.WhatIf.Result = &stWhatIfResult{Payout: pg.Payout, PayoutRaw: st.Payout.String(), Delta: f.Money(decimal.Zero, st.Currency), DeltaRaw: "0"}
		return
	}
	res, err := s.App.WhatIf(r.Context(), who(r), statementOf(r), changes)
	if err != nil {
		msg := kpi.ErrorMessage(err)
		for i := range pg.WhatIf.KPIs {
			if strings.Contains(msg, pg.WhatIf.KPIs[i].KPI) && pg.WhatIf.KPIs[i].Value != pg.WhatIf.KPIs[i].Actual {
				pg.WhatIf.KPIs[i].Error = msg
				return
			}
		}
		pg.WhatIf.Error = msg
		return
	}
	out := &stWhatIfResult{Payout: f.Money(res.Payout, st.Currency), PayoutRaw: res.Payout.String(),
		Delta: f.Money(res.Delta, st.Currency), DeltaRaw: res.Delta.String()}
	if res.Delta.IsPositive() {
		out.Delta = "+" + out.Delta
	}
	if res.Score != nil {
		out.Score = f.Number(res.Score.Was, 2) + " → " + f.Number(res.Score.Score, 2) + " (" + res.Score.Rule + ")"
	}
	base := res.Statement.Sections[len(res.Statement.Sections)-1].Evaluation
	for _, l := range res.WhatIf.Lines {
		was := base.Line(l.ID)
		switch {
		case was == nil:
			out.Lines = append(out.Lines, stChanged{Label: l.Label, Was: "–", Now: lineValue(f, l.Result, l.Unit, st.Currency)})
		case !was.Result.Equal(l.Result):
			out.Lines = append(out.Lines, stChanged{Label: l.Label, Was: lineValue(f, was.Result, was.Unit, st.Currency), Now: lineValue(f, l.Result, l.Unit, st.Currency)})
		}
	}
	pg.WhatIf.Result = out
}

// postStatementStep approves, locks or pays the statement, as the policy
// allows, and comes back to it.
func (s *Server) postStatementStep(w http.ResponseWriter, r *http.Request) error {
	if err := readPageForm(w, r); err != nil {
		return err
	}
	step := app.Step(r.PostFormValue("step"))
	ref := statementOf(r)
	if _, err := s.App.StepStatement(r.Context(), who(r), ref, step); err != nil {
		if c := kpi.ErrorCode(err); c != kpi.ECONFLICT && c != kpi.EINVALID {
			return err // refused, or not there: the error page
		}
		htmlStatus(w, codes[kpi.ErrorCode(err)])
		return s.statement(w, r, &statementPage{FlashErr: kpi.ErrorMessage(err)}, nil)
	}
	http.Redirect(w, r, statementPath(ref.Employee, ref.Period)+"?done="+url.QueryEscape(string(step)), http.StatusSeeOther)
	return nil
}

// postStatementInquiry raises a question on a line.
func (s *Server) postStatementInquiry(w http.ResponseWriter, r *http.Request) error {
	if err := readPageForm(w, r); err != nil {
		return err
	}
	line, text := r.PostFormValue("line"), strings.TrimSpace(r.PostFormValue("text"))
	ref := statementOf(r)
	var err error
	switch {
	case text == "":
		err = kpi.Errorf(kpi.EINVALID, "Write your question.")
	case len([]rune(text)) > maxInquiryText:
		err = kpi.Errorf(kpi.EINVALID, "The question is %d characters long; at most %d.", len([]rune(text)), maxInquiryText)
	default:
		_, err = s.App.Inquire(r.Context(), who(r), ref, line, text)
	}
	if err != nil {
		if c := kpi.ErrorCode(err); c != kpi.ECONFLICT && c != kpi.EINVALID && c != kpi.ENOTFOUND {
			return err
		}
		htmlStatus(w, http.StatusBadRequest)
		return s.statement(w, r, &statementPage{InquiryLine: line, InquiryText: text, InquiryErr: kpi.ErrorMessage(err)}, nil)
	}
	http.Redirect(w, r, statementPath(ref.Employee, ref.Period)+"?done=inquiry#inquiries", http.StatusSeeOther)
	return nil
}

// postStatementAnswer answers an inquiry.
func (s *Server) postStatementAnswer(w http.ResponseWriter, r *http.Request) error {
	if err := readPageForm(w, r); err != nil {
		return err
	}
	id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
	text := strings.TrimSpace(r.PostFormValue("text"))
	ref := statementOf(r)
	var err error
	switch {
	case perr != nil:
		return kpi.Errorf(kpi.EINVALID, "Inquiry %q is not a number.", r.PathValue("id"))
	case text == "":
		err = kpi.Errorf(kpi.EINVALID, "Write the answer.")
	case len([]rune(text)) > maxInquiryText:
		err = kpi.Errorf(kpi.EINVALID, "The answer is %d characters long; at most %d.", len([]rune(text)), maxInquiryText)
	default:
		_, err = s.App.Answer(r.Context(), who(r), ref, id, text)
	}
	if err != nil {
		if c := kpi.ErrorCode(err); c != kpi.ECONFLICT && c != kpi.EINVALID && c != kpi.ENOTFOUND {
			return err
		}
		htmlStatus(w, http.StatusBadRequest)
		pg := &statementPage{}
		rw := &answerKeeper{id: id, text: text, err: kpi.ErrorMessage(err)}
		return s.statementKeeping(w, r, pg, rw)
	}
	http.Redirect(w, r, statementPath(ref.Employee, ref.Period)+"?done=answer#inquiries", http.StatusSeeOther)
	return nil
}

// answerKeeper is an answer that was refused: shown again at its inquiry.
type answerKeeper struct {
	id        int64
	text, err string
}

// statementKeeping renders the statement with a refused answer kept at its
// inquiry.
func (s *Server) statementKeeping(w http.ResponseWriter, r *http.Request, pg *statementPage, k *answerKeeper) error {
	pg.keep = k
	return s.statement(w, r, pg, nil)
}

// htmlStatus sends status for a page that is rendered again with an
// error on it.
func htmlStatus(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
}
