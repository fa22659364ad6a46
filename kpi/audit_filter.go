package kpi

import "time"

// AuditFilter selects audit entries; empty fields match all.
type AuditFilter struct {
	Entity   string
	EntityID string
	// Actor matches who acted, case-insensitively, anywhere in the name
	// ("ann" finds "user:ann@example.com").
	Actor string
	// From and To bound when (From included, To not); zero: open.
	From, To time.Time
	Offset   int
	Limit    int // at most this many; 0: all
}
