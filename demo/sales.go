package demo

import (
	"cmp"
	"fmt"
	"slices"

	"attain/kpi"
)

// Deal stages.
const (
	StageProspecting = "Prospecting"
	StageEngaging    = "Engaging"
	StageWon         = "Won"
	StageLost        = "Lost"
)

// product is something Northwind sells: a list price per unit, in cents, and
// the quantities a deal orders.
type product struct {
	name           string
	price          int64
	minQty, maxQty int
}

// catalogue lists the products, in the order of attain.yaml's values.
func catalogue() []product {
	return []product{
		{"Pallet Racking", 185000, 4, 14},
		{"Warehouse Shelving", 42000, 10, 40},
		{"Forklift Service Plan", 360000, 1, 3},
		{"Barcode Scanner Kit", 28900, 8, 30},
		{"Stretch Film", 9500, 40, 160},
		{"Conveyor Module", 740000, 1, 3},
		{"Safety Gear Bundle", 16000, 15, 60},
	}
}

// skillParams say how skill shapes a year's work, before trends.
type skillParams struct {
	deals       int // deals created per month
	winRate     int // permille of closed deals won
	dealSize    int // permille of list price × quantity
	daysToClose int // median days from creation to winning
	refunds     int // permille of payments refunded
	requests    int // order requests handled per month
	minutes     int // median minutes to process a request
	rejects     int // permille of requests rejected
}

func paramsOf(s Skill) skillParams {
	switch s {
	case Strong:
		return skillParams{deals: 11, winRate: 560, dealSize: 1250, daysToClose: 18, refunds: 10, requests: 30, minutes: 150, rejects: 30}
	case Weak:
		return skillParams{deals: 7, winRate: 280, dealSize: 800, daysToClose: 40, refunds: 50, requests: 20, minutes: 600, rejects: 80}
	}
	return skillParams{deals: 9, winRate: 420, dealSize: 1000, daysToClose: 28, refunds: 20, requests: 26, minutes: 300, rejects: 40}
}

const (
	stallRate    = 30  // permille of deals that never close
	territory    = 850 // permille of deals with an account of the own team
	prospectDays = 14  // an open deal younger than this is still prospecting
)

// trendOf returns the factor (permille) by which trend moves a measure at
// progress t (0 at the first month, 1000 at the last): from worse to better
// when improving, from better to worse when declining, 1000 when steady.
func trendOf(tr Trend, t, worse, better int) int {
	switch tr {
	case Improving:
		return worse + (better-worse)*t/1000
	case Declining:
		return better + (worse-better)*t/1000
	}
	return 1000
}

// deal is a generated deal.
type deal struct {
	id      string
	p       *person // who created it
	seq     int     // p's n-th deal
	owner   string
	account string
	product string
	stage   string
	amount  int64 // cents
	created kpi.Date
	closed  kpi.Date // 0 while open
}

func (g *generator) allAccounts() []string {
	var all []string
	for _, t := range roster() {
		all = append(all, t.accounts...)
	}
	return all
}

// deals generates every salesperson's deals, month by month.
func (g *generator) deals() []*deal {
	all := g.allAccounts()
	products := catalogue()
	var deals []*deal
	for _, p := range g.people {
		if p.dept != UnitSales {
			continue
		}
		r := g.rng("deals/" + p.id)
		seq := 0
		for m := -WarmUpMonths; m < g.months; m++ {
			mfrom, mto := g.month(m)
			from, to, ok := p.activeIn(mfrom, mto)
			if !ok {
				continue
			}
			days := weekdays(from, to)
			if len(days) == 0 {
				continue
			}
			t := g.progress(m)
			// Expected deals this month, in thousandths.
			sp := paramsOf(p.skill)
			milli := int64(sp.deals) * 1000
			milli = milli * int64(trendOf(p.trend, t, 650, 1350)) / 1000
			milli = milli * int64(p.load) / 1000
			milli = milli * int64(p.ramp(m)) / 1000
			milli = milli * int64(len(days)) / int64(len(weekdays(mfrom, mto)))
			n := jitter(r, int(milli+int64(r.IntN(1000)))/1000, 30)
			win := sp.winRate + trendOf(p.trend, t, 850, 1150) - 1000 - (1000-p.ramp(m))/4
			size := sp.dealSize * trendOf(p.trend, t, 850, 1150) / 1000
			cycle := sp.daysToClose * trendOf(p.trend, t, 1300, 750) / 1000
			for range n {
				seq++
				d := &deal{p: p, seq: seq, created: days[r.IntN(len(days))]}
				if chance(r, territory) {
					d.account = p.accounts[r.IntN(len(p.accounts))]
				} else {
					d.account = all[r.IntN(len(all))]
				}
				pr := products[r.IntN(len(products))]
				d.product = pr.name
				qty := int64(between(r, pr.minQty, pr.maxQty))
				discount := int64(between(r, 880, 1000))
				d.amount = pr.price * qty * int64(size) / 1000 * discount / 1000

				won := chance(r, win)
				span := cycle * between(r, 50, 150) / 100
				if !won {
					span = cycle * between(r, 30, 130) / 100 // lost deals die sooner
				}
				closed := nextWeekday(d.created.AddDays(max(1, span)))
				stalled := chance(r, stallRate)
				switch {
				case stalled || closed > g.end:
					d.stage = StageEngaging
					if g.end-d.created < prospectDays {
						d.stage = StageProspecting
					}
					d.owner = p.ownerAt(g.end + 1)
				case won:
					d.stage, d.closed, d.owner = StageWon, closed, p.ownerAt(closed)
				default:
					d.stage, d.closed, d.owner = StageLost, closed, p.ownerAt(closed)
				}
				deals = append(deals, d)
			}
		}
	}
	slices.SortFunc(deals, func(a, b *deal) int {
		return cmp.Or(cmp.Compare(a.created, b.created), cmp.Compare(a.p.id, b.p.id), cmp.Compare(a.seq, b.seq))
	})
	for i, d := range deals {
		d.id = fmt.Sprintf("D-%06d", i+1)
	}
	return deals
}

// contract is a signed won deal.
type contract struct {
	id     string
	deal   *deal
	owner  string
	signed kpi.Date
	value  int64
}

// contracts signs every won deal a few days after it is won.
func (g *generator) contracts(deals []*deal) []*contract {
	r := g.rng("contracts")
	var cs []*contract
	for _, d := range deals {
		if d.stage != StageWon {
			continue
		}
		signed := nextWeekday(d.closed.AddDays(between(r, 0, 5)))
		if signed > g.end {
			continue
		}
		cs = append(cs, &contract{deal: d, owner: d.p.ownerAt(signed), signed: signed, value: d.amount})
	}
	slices.SortFunc(cs, func(a, b *contract) int {
		return cmp.Or(cmp.Compare(a.signed, b.signed), cmp.Compare(a.deal.id, b.deal.id))
	})
	for i, c := range cs {
		c.id = fmt.Sprintf("C-%06d", i+1)
	}
	return cs
}

// shipment is one delivery of a contract's goods.
type shipment struct {
	id       string
	contract *contract
	n        int // the contract's n-th shipment
	owner    string
	shipped  kpi.Date
	lots     int
	value    int64
}

// shipments delivers every contract in one to three shipments; the value
// of a contract is split over its shipments by lots, exactly.
func (g *generator) shipments(cs []*contract) []*shipment {
	r := g.rng("shipments")
	var ss []*shipment
	for _, c := range cs {
		k := 1
		if u := r.IntN(100); u >= 85 {
			k = 3
		} else if u >= 50 {
			k = 2
		}
		lots := make([]int, k)
		total := 0
		for i := range lots {
			lots[i] = between(r, 1, 12)
			total += lots[i]
		}
		day := c.signed
		left := c.value
		for i := range k {
			if i == 0 {
				day = nextWeekday(day.AddDays(between(r, 3, 12)))
			} else {
				day = nextWeekday(day.AddDays(between(r, 7, 21)))
			}
			value := c.value * int64(lots[i]) / int64(total)
			if i == k-1 {
				value = left
			}
			left -= value
			if day > g.end {
				break // not shipped yet
			}
			ss = append(ss, &shipment{contract: c, n: i, owner: c.deal.p.ownerAt(day), shipped: day, lots: lots[i], value: value})
		}
	}
	slices.SortFunc(ss, func(a, b *shipment) int {
		return cmp.Or(cmp.Compare(a.shipped, b.shipped), cmp.Compare(a.contract.id, b.contract.id), cmp.Compare(a.n, b.n))
	})
	for i, s := range ss {
		s.id = fmt.Sprintf("S-%06d", i+1)
	}
	return ss
}

// prune drops what happened before the data starts: it keeps payments
// made from Start on, and the shipments, contracts and deals that happen
// from Start on or that kept records refer to.
func (g *generator) prune(ds []*deal, cs []*contract, ss []*shipment, ps []*payment) ([]*deal, []*contract, []*shipment, []*payment) {
	keepS := make(map[*shipment]bool)
	ps = slices.DeleteFunc(ps, func(p *payment) bool {
		keepS[p.shipment] = p.paid >= g.start
		return p.paid < g.start
	})
	keepC := make(map[*contract]bool)
	ss = slices.DeleteFunc(ss, func(s *shipment) bool {
		keep := s.shipped >= g.start || keepS[s]
		keepC[s.contract] = keepC[s.contract] || keep
		return !keep
	})
	keepD := make(map[*deal]bool)
	cs = slices.DeleteFunc(cs, func(c *contract) bool {
		keep := c.signed >= g.start || keepC[c]
		keepD[c.deal] = keep
		return !keep
	})
	ds = slices.DeleteFunc(ds, func(d *deal) bool {
		return d.closed != 0 && d.closed < g.start && !keepD[d]
	})
	return ds, cs, ss, ps
}

// payment pays for one shipment.
type payment struct {
	id       string
	shipment *shipment
	owner    string
	paid     kpi.Date
	amount   int64
	refunded bool
}

// payments pays each shipment 10 to 45 days after it ships; a few payments
// are refunded, more often for weak salespeople's deals.
func (g *generator) payments(ss []*shipment) []*payment {
	r := g.rng("payments")
	var ps []*payment
	for _, s := range ss {
		paid := nextWeekday(s.shipped.AddDays(between(r, 10, 45)))
		refunded := chance(r, paramsOf(s.contract.deal.p.skill).refunds)
		if paid > g.end {
			continue
		}
		ps = append(ps, &payment{shipment: s, owner: s.contract.deal.p.ownerAt(paid), paid: paid, amount: s.value, refunded: refunded})
	}
	slices.SortFunc(ps, func(a, b *payment) int {
		return cmp.Or(cmp.Compare(a.paid, b.paid), cmp.Compare(a.shipment.id, b.shipment.id))
	})
	for i, p := range ps {
		p.id = fmt.Sprintf("P-%06d", i+1)
	}
	return ps
}

func str(s string) kpi.Value    { return kpi.Value{S: s} }
func num(n int64) kpi.Value     { return kpi.Value{N: n} }
func date(d kpi.Date) kpi.Value { return kpi.Value{N: int64(d)} }
func nullable(v kpi.Value, ok bool) kpi.Value {
	if !ok {
		return kpi.Value{Null: true}
	}
	return v
}

func boolean(b bool) kpi.Value {
	if b {
		return kpi.Value{N: 1}
	}
	return kpi.Value{N: 0}
}

// Column order of the records: the columns of attain.yaml.

func dealRecords(ds []*deal) []kpi.Record {
	recs := make([]kpi.Record, len(ds))
	for i, d := range ds {
		recs[i] = kpi.Record{Key: d.id, Owner: d.owner, Values: []kpi.Value{
			str(d.id), str(d.owner), str(d.account), str(d.product), str(d.stage),
			num(d.amount), date(d.created), nullable(date(d.closed), d.closed != 0),
		}}
	}
	return recs
}

func contractRecords(cs []*contract) []kpi.Record {
	recs := make([]kpi.Record, len(cs))
	for i, c := range cs {
		recs[i] = kpi.Record{Key: c.id, Owner: c.owner, Values: []kpi.Value{
			str(c.id), str(c.owner), str(c.deal.id), date(c.signed), num(c.value),
		}}
	}
	return recs
}

func shipmentRecords(ss []*shipment) []kpi.Record {
	recs := make([]kpi.Record, len(ss))
	for i, s := range ss {
		recs[i] = kpi.Record{Key: s.id, Owner: s.owner, Values: []kpi.Value{
			str(s.id), str(s.owner), str(s.contract.id), date(s.shipped), num(int64(s.lots)), num(s.value),
		}}
	}
	return recs
}

func paymentRecords(ps []*payment) []kpi.Record {
	recs := make([]kpi.Record, len(ps))
	for i, p := range ps {
		recs[i] = kpi.Record{Key: p.id, Owner: p.owner, Values: []kpi.Value{
			str(p.id), str(p.owner), str(p.shipment.contract.id), date(p.paid), num(p.amount), boolean(p.refunded),
		}}
	}
	return recs
}
