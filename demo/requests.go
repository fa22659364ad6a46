package demo

import (
	"cmp"
	"fmt"
	"slices"

	"attain/kpi"
)

// Request statuses.
const (
	StatusDone     = "done"
	StatusPending  = "pending"
	StatusRejected = "rejected"
)

// request is an order request someone in order processing handles.
type request struct {
	id        string
	p         *person
	seq       int
	owner     string
	received  int64 // Unix seconds
	processed int64 // Unix seconds; 0 while pending
	status    string
}

// requests generates the order requests of everyone in order processing:
// received on working days between 07:00 and 17:00 UTC, processed after a
// time set by skill and trend, with a long tail; those not processed by the
// end of the data are pending.
func (g *generator) requests() []*request {
	endOfData := int64(g.end+1) * 86400
	var rs []*request
	for _, p := range g.people {
		if p.dept != UnitProcessing {
			continue
		}
		r := g.rng("requests/" + p.id)
		sp := paramsOf(p.skill)
		seq := 0
		for m := range g.months {
			mfrom, mto := g.month(m)
			if mfrom > g.end {
				break
			}
			from, to, ok := p.activeIn(mfrom, min(mto, g.end))
			if !ok {
				continue
			}
			days := weekdays(from, to)
			if len(days) == 0 {
				continue
			}
			t := g.progress(m)
			milli := int64(sp.requests) * 1000
			milli = milli * int64(trendOf(p.trend, t, 850, 1150)) / 1000
			milli = milli * int64(p.load) / 1000
			milli = milli * int64(p.ramp(m)) / 1000
			milli = milli * int64(len(days)) / int64(len(weekdays(mfrom, mto)))
			n := jitter(r, int(milli+int64(r.IntN(1000)))/1000, 20)
			// Median minutes this month: new hires are slow at first.
			median := sp.minutes * trendOf(p.trend, t, 1500, 650) / 1000 * (2000 - p.ramp(m)) / 1000
			for range n {
				seq++
				day := days[r.IntN(len(days))]
				rq := &request{p: p, seq: seq, owner: p.id, status: StatusDone,
					received: int64(day)*86400 + int64(between(r, 7*3600, 17*3600-1))}
				factor := between(r, 400, 1300) // permille of the median
				if chance(r, 150) {
					factor = between(r, 1300, 4500) // the long tail: missing stock, unclear orders
				}
				minutes := max(5, median*factor/1000)
				rq.processed = rq.received + int64(minutes)*60 + int64(r.IntN(60))
				if chance(r, sp.rejects) {
					rq.status = StatusRejected
				}
				if rq.processed >= endOfData {
					rq.processed, rq.status = 0, StatusPending
				}
				rq.owner = p.ownerAt(kpi.Date(rq.received / 86400))
				rs = append(rs, rq)
			}
		}
	}
	slices.SortFunc(rs, func(a, b *request) int {
		return cmp.Or(cmp.Compare(a.received, b.received), cmp.Compare(a.p.id, b.p.id), cmp.Compare(a.seq, b.seq))
	})
	for i, rq := range rs {
		rq.id = fmt.Sprintf("R-%06d", i+1)
	}
	return rs
}

func requestRecords(rs []*request) []kpi.Record {
	recs := make([]kpi.Record, len(rs))
	for i, rq := range rs {
		recs[i] = kpi.Record{Key: rq.id, Owner: rq.owner, Values: []kpi.Value{
			str(rq.id), str(rq.owner), num(rq.received),
			nullable(num(rq.processed), rq.processed != 0), str(rq.status),
		}}
	}
	return recs
}
