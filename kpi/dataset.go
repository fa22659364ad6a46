package kpi

import (
	"context"
	"time"
)

// ColumnType is the type of a dataset column.
type ColumnType string

const (
	String    ColumnType = "string"
	Integer   ColumnType = "integer"
	Decimal   ColumnType = "decimal" // exact, Scale digits after the point
	Money     ColumnType = "money"   // a decimal with Scale 2 unless set
	DateType  ColumnType = "date"
	Timestamp ColumnType = "timestamp"
	Boolean   ColumnType = "boolean"
)

// Column is one typed column of a dataset.
type Column struct {
	Name        string     `json:"name" yaml:"name"`
	Type        ColumnType `json:"type" yaml:"type"`
	Scale       int        `json:"scale,omitempty" yaml:"scale,omitempty"` // decimal places kept for decimal and money
	Required    bool       `json:"required,omitempty" yaml:"required,omitempty"`
	NonNegative bool       `json:"non_negative,omitempty" yaml:"non_negative,omitempty"`
	Values      []string   `json:"values,omitempty" yaml:"values,omitempty"` // allowed values of a string column
	Header      string     `json:"header,omitempty" yaml:"header,omitempty"` // the file's header for it, if not Name
}

// Dataset is a named table of records the customer already has.
type Dataset struct {
	Name        string    `json:"name" yaml:"name"`
	Title       string    `json:"title,omitempty" yaml:"title,omitempty"`
	Columns     []Column  `json:"columns" yaml:"columns"`
	Key         string    `json:"key" yaml:"key"`                   // column whose value identifies a record; upserts match on it
	Owner       string    `json:"owner" yaml:"owner"`               // column holding the employee's external id
	TimeColumns []string  `json:"time_columns" yaml:"time_columns"` // date or timestamp columns a KPI can be dated by
	UpdatedAt   time.Time `json:"updated_at" yaml:"-"`
}

// ColumnIndex returns the position of the named column, or -1.
func (d *Dataset) ColumnIndex(name string) int {
	for i, c := range d.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Value is one typed cell of a record, read according to its column's type:
//
//	string            S
//	integer           N
//	decimal, money    N is the amount times 10^Scale (1054.5 at scale 2 is 105450)
//	date              N is a Date (days since 1970-01-01)
//	timestamp         N is Unix seconds, UTC
//	boolean           N is 0 or 1
//
// Null marks an empty cell.
type Value struct {
	S    string
	N    int64
	Null bool
}

// Record is one row of a dataset: its key, owner and every column's value,
// in the dataset's column order.
type Record struct {
	Key    string
	Owner  string
	Values []Value
}

// RecordFilter selects records of one dataset.
type RecordFilter struct {
	Keys   []string // only these keys, if set
	Owners []string // only these owners, if set
	Offset int
	Limit  int // 0: no limit
}

// ImportResult counts what a write changed.
type ImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Deleted   int `json:"deleted"`
	Rejected  int `json:"rejected"`
}

// RecordChange is one write to a record, in sequence order.
type RecordChange struct {
	Seq     int64
	Dataset string
	Record  Record // only Key is set when Deleted
	Deleted bool
}

// Versions tell a cache what changed: Records is the workspace's highest
// record sequence number, Definitions and Org grow with every change to the
// definitions and to the org tree.
type Versions struct {
	Records     int64 `json:"records"`
	Definitions int64 `json:"definitions"`
	Org         int64 `json:"org"`
}

// RecordReader is the source of an import (RecordService.ImportRecords):
// Next returns its records in batches, then io.EOF. Repeated is told of a
// record whose key an earlier record of the import had, by their numbers
// (from 1, in the order Next returned them); the record is not written,
// and an error from Repeated ends the import. After the last record is
// written Next is called once more, so that a reader that learned of a
// problem from Repeated can return it: anything but io.EOF then ends the
// import, nothing written. Repeated may be called from another goroutine
// than Next, while Next runs.
//
// The batches Next returns are the caller's: a reader neither reuses nor
// changes a batch, its records or their Values once it returned it, so a
// store may hand them to an ImportFollower as they are.
type RecordReader interface {
	Next() ([]Record, error)
	Repeated(rec Record, first, again int) error
}

// RecordService stores the records of the context's workspace.
type RecordService interface {
	// UpsertRecords writes records by key in one transaction: all or
	// nothing. Keys must be unique within the call.
	UpsertRecords(ctx context.Context, dataset string, recs []Record) (ImportResult, error)
	// UpsertRecordBatches writes the batches next returns, until it
	// returns io.EOF, in one transaction: if next returns another error
	// or a write fails, nothing is written. This is how a large file is
	// imported whole without holding it in memory.
	UpsertRecordBatches(ctx context.Context, dataset string, next func() ([]Record, error)) (ImportResult, error)
	// ImportRecords writes the records r reads like UpsertRecordBatches,
	// except that a record whose key came earlier in the same import is
	// left out and told to r.Repeated: the store finds them, so an import
	// of any size needs no set of its keys in memory.
	ImportRecords(ctx context.Context, dataset string, r RecordReader) (ImportResult, error)
	// DeleteRecords removes records by key in one transaction; keys that
	// are not there are counted as unchanged, not an error.
	DeleteRecords(ctx context.Context, dataset string, keys []string) (ImportResult, error)
	FindRecords(ctx context.Context, dataset string, filter RecordFilter) ([]Record, error)
	CountRecords(ctx context.Context, dataset string) (int, error)
	// ScanRecords calls fn for every record of a dataset, in no set order,
	// without holding them all in memory. A record's Values are valid only
	// during the call: the slice may be reused for the next record, so fn
	// copies what it keeps (Key, Owner and the strings in Values are its
	// own).
	ScanRecords(ctx context.Context, dataset string, fn func(Record) error) error
	// RecordChanges calls fn for every change with a sequence number above
	// since, in order, and returns the highest one it passed (since if none).
	RecordChanges(ctx context.Context, since int64, fn func(RecordChange) error) (int64, error)
	Versions(ctx context.Context) (Versions, error)
}

// ImportFollower is told by a store what one import writes, so that a
// cache of the records (the engine's state) can follow it instead of
// reading every record again afterwards. A store calls Begin once, inside
// the import's transaction and holding the lock every writer of the
// workspace's records takes; then Written with the records it stores, in
// the order of their sequence numbers; then Committing, just before it
// commits; then Committed, only if the transaction committed. The
// import's owner calls Close after the import returns, whatever it
// returned.
type ImportFollower interface {
	// Begin tells the workspace's versions before the import.
	Begin(before Versions)
	// Written tells records the import stores: created, updated or equal
	// to the stored one (the store may not know which), never one it
	// left out as a repeat. With fresh, the store knows that none of
	// their keys was stored before the import or came earlier in it. The
	// follower may keep recs; the store does not touch them after the
	// call.
	Written(recs []Record, fresh bool)
	// Committing tells the record sequence the import will leave if it
	// commits: nothing more is written. The follower may get ready for
	// Committed while the store commits.
	Committing(last int64)
	// Committed tells the record sequence the committed import left: the
	// records in (before.Records, last] are the ones Written told.
	Committed(last int64)
	// Close ends the following; see the follower's own doc for what it
	// keeps.
	Close() error
}

// ImportSequencer is a RecordService that can tell an ImportFollower what
// an import writes (see RecordService.ImportRecords).
type ImportSequencer interface {
	ImportRecordsFollowed(ctx context.Context, dataset string, r RecordReader, f ImportFollower) (ImportResult, error)
}
