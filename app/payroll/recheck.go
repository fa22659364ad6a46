package payroll

import (
	"context"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// A draft corrects the locked statements of its look-back window by
// computing each again on today's data (history, recompute): the most
// costly part of a draft, and the same for every draft of the same person
// until something it reads changes. The recheck cache keeps what such a
// recomputation paid, per workspace, while the stamp it was computed under
// holds.
//
// What a recomputation reads, and so what the stamp holds:
//   - the records (values, their explanations, per-record fields):
//     kpi.Versions.Records, which grows with every record written or
//     deleted;
//   - the definitions (KPIs, bonus plans, their assignment, the calendar):
//     kpi.Versions.Definitions;
//   - the org (employees, their units, pay, currency, hire and leave
//     dates): kpi.Versions.Org;
//   - the targets: kpi.TargetService.TargetsVersion;
//   - the day (proration and reversal dates are of today) and the
//     workspace's time zone it is read in;
//   - the locked statement itself (its history: year-to-date, carry,
//     reversals, adjustments, true-up): locked statements never change, so
//     it is keyed by employee, period, when it was locked and its payout.
//
// Any change to the first five empties the workspace's cache (the next
// draft finds a new stamp); an unlocked, approved or draft statement is
// never kept. Without Service.Versions nothing is kept.
type recheckStamp struct {
	versions kpi.Versions
	targets  int64
	today    kpi.Date
	zone     string
}

type recheckKey struct {
	employee string
	period   kpi.Period
	lockedAt time.Time
	payout   string
}

// rechecked is what a locked statement pays recomputed now.
type rechecked struct {
	payout decimal.Decimal
	places int32
}

// maxRechecked bounds one workspace's cache; a full cache is emptied.
const maxRechecked = 100000

// stamped keeps values per workspace under a stamp of what they were
// computed from: a lookup under another stamp finds nothing, and a put
// under another stamp (or into a full map of max entries) starts over.
type stamped[S, K comparable, V any] struct {
	mu   sync.Mutex
	byWS map[int64]*stampedEntries[S, K, V]
}

type stampedEntries[S, K comparable, V any] struct {
	stamp S
	m     map[K]V
}

func (c *stamped[S, K, V]) get(ws int64, stamp S, k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	es := c.byWS[ws]
	if es == nil || es.stamp != stamp {
		var zero V
		return zero, false
	}
	v, ok := es.m[k]
	return v, ok
}

func (c *stamped[S, K, V]) put(ws int64, stamp S, k K, v V, max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byWS == nil {
		c.byWS = map[int64]*stampedEntries[S, K, V]{}
	}
	es := c.byWS[ws]
	if es == nil || es.stamp != stamp || len(es.m) >= max {
		es = &stampedEntries[S, K, V]{stamp: stamp, m: map[K]V{}}
		c.byWS[ws] = es
	}
	es.m[k] = v
}

// stamp reads what the rechecks of the context's workspace depend on; nil
// when the service keeps none.
func (s *Service) stamp(ctx context.Context, today kpi.Date, zone string) (*recheckStamp, error) {
	if s.Versions == nil {
		return nil, nil
	}
	v, err := s.Versions(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.Targets.TargetsVersion(ctx)
	if err != nil {
		return nil, err
	}
	return &recheckStamp{versions: v, targets: t, today: today, zone: zone}, nil
}

func keyOf(emp *kpi.Employee, l *kpi.Statement) (recheckKey, bool) {
	if l.LockedAt == nil || (l.Status != kpi.StatusLocked && l.Status != kpi.StatusPaid) {
		return recheckKey{}, false
	}
	return recheckKey{employee: emp.ID, period: l.Period, lockedAt: l.LockedAt.UTC(), payout: l.Payout.String()}, true
}

// recheck is what the locked statement l pays recomputed now (recompute),
// from the cache when e's stamp still holds.
func (s *Service) recheck(ctx context.Context, e *env, emp *kpi.Employee, l *kpi.Statement) (rechecked, error) {
	k, ok := keyOf(emp, l)
	var ws int64
	if ok && e.stamp != nil {
		var err error
		if ws, err = kpi.WorkspaceIDFromContext(ctx); err != nil {
			return rechecked{}, err
		}
		if r, hit := s.rechecks.get(ws, *e.stamp, k); hit {
			return r, nil
		}
	}
	now, err := s.recompute(ctx, e, emp, l)
	if err != nil {
		return rechecked{}, err
	}
	r := rechecked{payout: now.Payout, places: now.Places()}
	if ok && e.stamp != nil {
		s.rechecks.put(ws, *e.stamp, k, r, maxRechecked)
	}
	return r, nil
}
