package demo

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Positions of the demo's employees.
const (
	PositionHeadOfSales      = "head of sales"
	PositionHeadOfProcessing = "head of order processing"
	PositionTeamLead         = "team lead"
	PositionSalesManager     = "sales manager"
	PositionOrderManager     = "order-processing manager"
)

// Unit ids of the departments.
const (
	UnitCompany    = "northwind"
	UnitSales      = "sales"
	UnitProcessing = "order-processing"
)

// Skill is how good someone is at their job, all year.
type Skill int

const (
	Average Skill = iota
	Strong
	Weak
)

func (s Skill) String() string { return [...]string{"average", "strong", "weak"}[s] }

// Trend is how someone's results move over the year.
type Trend int

const (
	Steady Trend = iota
	Improving
	Declining
)

func (t Trend) String() string { return [...]string{"steady", "improving", "declining"}[t] }

// team is one team of the roster: its lead first, then its members.
type team struct {
	id, name string
	dept     string // UnitSales or UnitProcessing
	accounts []string
	lead     member
	members  []member
}

// member is one person of the roster with the profile that shapes their data.
type member struct {
	name  string
	skill Skill
	trend Trend
	hired int // 0: before the data starts; n: hired in month n (1-based)
	left  int // 0: stays; n: left in month n (1-based)
}

// Profile is the part of a person's make-up that shapes their records; the
// tests and README.md use it to check the stories.
type Profile struct {
	EmployeeID string
	Skill      Skill
	Trend      Trend
	Load       int // share of a full workload in permille: team leads carry less
}

// Profiles returns the profile of everyone who owns records, in roster
// order. It does not depend on the seed.
func Profiles() []Profile {
	var ps []Profile
	for _, t := range roster() {
		ps = append(ps, Profile{EmployeeID: employeeID(t.lead.name), Skill: t.lead.skill, Trend: t.lead.trend, Load: leadLoad})
		for _, m := range t.members {
			ps = append(ps, Profile{EmployeeID: employeeID(m.name), Skill: m.skill, Trend: m.trend, Load: 1000})
		}
	}
	return ps
}

// leadLoad is the share of a full workload a team lead carries themselves.
const leadLoad = 400

// roster is the fixed org chart of Northwind Supply. README.md tells the
// story of each profile; keep the two in step.
func roster() []team {
	return []team{
		{
			id: "sales/key-accounts", name: "Key Accounts", dept: UnitSales,
			accounts: []string{"Adler Logistik GmbH", "Baltic Freight AB", "Carrara Foods S.p.A.", "Danube Retail Group",
				"Elbe Chemicals AG", "Fjord Seafood AS", "Graz Auto Parts GmbH", "Helvetia Pharma AG",
				"Iberia Wholesale S.A.", "Jutland Dairy A/S", "Krakow Steelworks", "Lyon Textiles SARL",
				"Mosel Beverages GmbH", "Nordic Paper Oy", "Oder Building Supplies"},
			lead: member{name: "Katrin Vogel", skill: Strong, trend: Steady},
			members: []member{
				{name: "Anna Berger", skill: Strong, trend: Steady},
				{name: "Tobias Klein", skill: Average, trend: Improving},
				{name: "Sofia Marino", skill: Average, trend: Steady},
				{name: "Daniel Schulz", skill: Weak, trend: Declining},
				{name: "Emma Lindqvist", skill: Average, trend: Steady},
				{name: "Felix Braun", skill: Strong, trend: Declining},
				{name: "Laura Nowak", skill: Average, trend: Steady},
			},
		},
		{
			id: "sales/mid-market", name: "Mid-Market", dept: UnitSales,
			accounts: []string{"Pilsen Brewing Co.", "Quarzwerk Bayern", "Rhine Valley Wines", "Salzburg Hotels",
				"Tatra Machinery", "Utrecht Flowers BV", "Vienna Office Supply", "Weser Timber",
				"Xanten Medical", "Ystad Ceramics", "Zagreb Electronics", "Aarhus Bike Works",
				"Bremen Coffee Roasters", "Cork Packaging Ltd", "Dresden Optics"},
			lead: member{name: "Markus Fischer", skill: Average, trend: Steady},
			members: []member{
				{name: "Julia Wagner", skill: Weak, trend: Improving},
				{name: "Paul Schneider", skill: Average, trend: Steady},
				{name: "Mia Kowalski", skill: Strong, trend: Improving},
				{name: "Noah Petersen", skill: Average, trend: Declining, left: 9},
				{name: "Lea Hartmann", skill: Average, trend: Steady},
				{name: "Ben Yilmaz", skill: Weak, trend: Steady},
			},
		},
		{
			id: "sales/new-business", name: "New Business", dept: UnitSales,
			accounts: []string{"Eindhoven Robotics", "Flensburg Yachts", "Gdansk Shipyard Services", "Hamburg Spice Import",
				"Innsbruck Outdoor", "Jena Lab Equipment", "Kiel Marine Tech", "Linz Plastics",
				"Malmo Furniture AB", "Nantes Agro SARL", "Oslo Cold Storage", "Porto Cork Company",
				"Riga Wood Products", "Stuttgart Tools", "Tallinn Data Centres"},
			lead: member{name: "Sven Larsen", skill: Average, trend: Steady},
			members: []member{
				{name: "Clara Jensen", skill: Average, trend: Improving},
				{name: "David Moreau", skill: Average, trend: Steady},
				{name: "Hannah Roth", skill: Average, trend: Improving, hired: 4},
				{name: "Elias Novak", skill: Weak, trend: Declining},
				{name: "Marie Dubois", skill: Average, trend: Steady},
				{name: "Jan Kaminski", skill: Strong, trend: Steady},
			},
		},
		{
			id: "sales/channel-partners", name: "Channel Partners", dept: UnitSales,
			accounts: []string{"Ulm Distribution", "Valencia Trading", "Wroclaw Wholesale", "Antwerp Port Services",
				"Bergen Supply Partners", "Brno Industrial Parts", "Cologne Retail Partners", "Debrecen Agri Supply",
				"Esbjerg Wind Services", "Freiburg Solar", "Goteborg Logistics", "Hannover Trade Fair Services",
				"Ljubljana Distribution", "Milan Fashion Logistics", "Nuremberg Toy Wholesale"},
			lead: member{name: "Oliver Brandt", skill: Average, trend: Steady},
			members: []member{
				{name: "Lars Eriksen", skill: Average, trend: Declining},
				{name: "Sara Costa", skill: Average, trend: Steady},
				{name: "Tim Becker", skill: Average, trend: Improving, hired: 7},
				{name: "Eva Mayer", skill: Strong, trend: Steady},
				{name: "Leon Wolf", skill: Weak, trend: Steady},
				{name: "Amelie Krause", skill: Average, trend: Improving},
			},
		},
		{
			id: "order-processing/order-entry", name: "Order Entry", dept: UnitProcessing,
			lead: member{name: "Petra Zimmermann", skill: Strong, trend: Steady},
			members: []member{
				{name: "Max Keller", skill: Strong, trend: Steady},
				{name: "Lina Frank", skill: Average, trend: Improving},
				{name: "Moritz Huber", skill: Weak, trend: Declining},
				{name: "Greta Lang", skill: Average, trend: Steady},
				{name: "Finn Schwarz", skill: Average, trend: Steady},
			},
		},
		{
			id: "order-processing/fulfilment", name: "Fulfilment Desk", dept: UnitProcessing,
			lead: member{name: "Igor Petrov", skill: Average, trend: Steady},
			members: []member{
				{name: "Alina Popescu", skill: Strong, trend: Improving},
				{name: "Kai Werner", skill: Average, trend: Steady},
				{name: "Ida Nielsen", skill: Average, trend: Improving, hired: 5},
				{name: "Robert Graf", skill: Weak, trend: Steady},
				{name: "Vera Schmitt", skill: Average, trend: Declining},
			},
		},
	}
}

// person is someone who owns records, with everything the generators need.
type person struct {
	id       string
	lead     string // the team lead who takes over their records after they leave; "" for a lead
	dept     string
	accounts []string // the team's territory
	skill    Skill
	trend    Trend
	load     int // permille of a full workload
	hired    kpi.Date
	left     kpi.Date // 0: stays
	hiredIn  int      // 0-based month of the data they were hired in; -1 before the data
}

// activeIn returns the part of [from, to] in which p works, and false if none.
func (p *person) activeIn(from, to kpi.Date) (kpi.Date, kpi.Date, bool) {
	from = max(from, p.hired)
	if p.left != 0 {
		to = min(to, p.left)
	}
	return from, to, from <= to
}

// ownerAt returns who owns p's record dated d: p, or after p left, p's lead.
func (p *person) ownerAt(d kpi.Date) string {
	if p.left != 0 && d > p.left && p.lead != "" {
		return p.lead
	}
	return p.id
}

// ramp is the share of a full workload (permille) a new hire manages in
// month m: they take three months to get up to speed.
func (p *person) ramp(m int) int {
	if p.hiredIn < 0 || m > p.hiredIn+2 {
		return 1000
	}
	return [...]int{450, 700, 900}[m-p.hiredIn]
}

// employeeID makes the external id of a name: "Anna Berger" is anna.berger.
// monthlySalary is everyone's base pay per month, in EUR, by position.
var monthlySalary = map[string]string{
	PositionHeadOfSales:      "9500.00",
	PositionHeadOfProcessing: "7200.00",
	PositionTeamLead:         "6100.00",
	PositionSalesManager:     "4300.00",
	PositionOrderManager:     "3400.00",
}

func employeeID(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", "."))
}

// buildOrg fills g.units, g.employees and g.people from the roster.
func (g *generator) buildOrg() {
	g.units = []*kpi.OrgUnit{
		{ID: UnitCompany, Name: CompanyName, Kind: "company"},
		{ID: UnitSales, Name: "Sales", Kind: "department", ParentID: UnitCompany},
		{ID: UnitProcessing, Name: "Order Processing", Kind: "department", ParentID: UnitCompany},
	}
	n := 0 // people so far, to spread the hire dates of the old hands
	hiredBefore := func() kpi.Date {
		n++
		return nextWeekday(g.start.AddDays(-(120 + n*389%2900)))
	}
	emp := func(name, unit, manager, position string, hired, left kpi.Date) *kpi.Employee {
		id := employeeID(name)
		salary := decimal.RequireFromString(monthlySalary[position])
		e := &kpi.Employee{ID: id, Name: name, Email: id + "@northwind.example", UnitID: unit,
			ManagerID: manager, Position: position, HiredOn: &hired, Currency: "EUR", Salary: &salary}
		if left != 0 {
			e.LeftOn = &left
		}
		g.employees = append(g.employees, e)
		return e
	}
	headOfSales := emp("Helena Richter", UnitSales, "", PositionHeadOfSales, hiredBefore(), 0)
	// The order desk's head reports to the head of sales, who runs both
	// departments for the managing director.
	headOfProcessing := emp("Jonas Weber", UnitProcessing, headOfSales.ID, PositionHeadOfProcessing, hiredBefore(), 0)
	heads := map[string]string{UnitSales: headOfSales.ID, UnitProcessing: headOfProcessing.ID}
	g.units[1].HeadID, g.units[2].HeadID = headOfSales.ID, headOfProcessing.ID
	for _, t := range roster() {
		position := PositionSalesManager
		if t.dept == UnitProcessing {
			position = PositionOrderManager
		}
		lead := emp(t.lead.name, t.id, heads[t.dept], PositionTeamLead, hiredBefore(), 0)
		g.units = append(g.units, &kpi.OrgUnit{ID: t.id, Name: t.name, Kind: "team", ParentID: t.dept, HeadID: lead.ID})
		g.people = append(g.people, &person{id: lead.ID, dept: t.dept, accounts: t.accounts,
			skill: t.lead.skill, trend: t.lead.trend, load: leadLoad, hired: *lead.HiredOn, hiredIn: -1})
		for _, m := range t.members {
			p := &person{lead: lead.ID, dept: t.dept, accounts: t.accounts, skill: m.skill, trend: m.trend,
				load: 1000, hiredIn: -1}
			if m.hired > 0 {
				p.hiredIn = m.hired - 1
				p.hired = weekdays(g.month(p.hiredIn))[0]
			} else {
				p.hired = hiredBefore()
			}
			if m.left > 0 {
				from, _ := g.month(m.left - 1)
				p.left = lastWeekdayOnOrBefore(from + 14)
			}
			e := emp(m.name, t.id, lead.ID, position, p.hired, p.left)
			p.id = e.ID
			g.people = append(g.people, p)
		}
	}
}

// lastWeekdayOnOrBefore returns d, or the Friday before it on a weekend.
func lastWeekdayOnOrBefore(d kpi.Date) kpi.Date {
	switch d.Weekday() {
	case time.Saturday:
		return d - 1
	case time.Sunday:
		return d - 2
	}
	return d
}
