// Package testkit is fundtrack's importable test kit: what any package's
// tests need to run fundtrack against the local AWS stand-ins, in one place
// instead of a copy per package.
//
//   - New: a Stack, one test's fundtrack over a fresh table pair on
//     DynamoDB Local (from testenv): the client (its requests counted by a
//     Counter), the *store.Store and a *service.Service, with a fake Clock
//     if asked for; snapshots of both tables.
//   - NewAPI / Stack.API: every API function mounted as infra/runner mounts
//     them, served by httptest, checking local HS256 tokens (Tokens); Req,
//     Resp and the helpers that send, check and decode them (Want, Create,
//     Decode, WantErr, ListAll…).
//   - NewMem / Mem.API / NewMemAPI: the same service and mounted API over
//     the in-memory fake of storage (shared/service/memstore), for tests
//     of rules that need no database round trips; Mem.Snapshot is its
//     whole state, for SameSnapshot.
//   - Builder: records made through the service as an administrator, and
//     Fixture, the standard programme with a member in every role.
//   - Mailbox: the SES emulator's sent mail, only the test's own.
//
// Only tests import it: no function binary links it (a test in
// shared/testkit checks this with go list -deps).
package testkit

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// Stack is one test's fundtrack over its own fresh tables (records and
// audit trail) on DynamoDB Local, deleted when the test ends.
type Stack struct {
	// DB is the client Store and Svc use; Count sees its requests. As
	// every testenv client, it sends an attempt again when DynamoDB Local
	// resets the connection, and keeps the SDK's three attempts for every
	// other error (testenv.ResetResends; resend.go there says why).
	DB    *dynamodb.Client
	Plain *dynamodb.Client // a second client on the same tables, not counted, with testenv.Patient retries
	Table string           // the records table; the audit table is store.AuditTableName(Table)
	Count *Counter
	Store *store.Store
	Svc   *service.Service
	Clock *Clock // the service's time when the stack was made WithClock; nil: the wall clock
}

// Option changes how New makes a stack.
type Option func(*stackOptions)

type stackOptions struct {
	clock  *Clock
	dbOpts []func(*dynamodb.Options)
}

// WithClock gives the service a fake clock that starts at start (RFC 3339)
// and moves only when the test moves it.
func WithClock(start string) Option {
	return func(o *stackOptions) { o.clock = NewClock(start) }
}

// WithDBOptions adds options to the stack's client (e.g. middleware that
// injects faults), as testenv.TableWith does.
func WithDBOptions(fns ...func(*dynamodb.Options)) Option {
	return func(o *stackOptions) { o.dbOpts = append(o.dbOpts, fns...) }
}

// New makes a fresh table pair for the test and fundtrack's store and
// service over it.
func New(t testing.TB, opts ...Option) *Stack {
	t.Helper()
	var o stackOptions
	for _, opt := range opts {
		opt(&o)
	}
	s := &Stack{Count: &Counter{}, Clock: o.clock}
	s.DB, s.Table = testenv.TableWith(t, append([]func(*dynamodb.Options){s.Count.Option}, o.dbOpts...)...)
	s.Plain = testenv.Client(t, testenv.Patient)
	s.Store = s.Config().Store(s.DB)
	var now func() time.Time
	if s.Clock != nil {
		now = s.Clock.Now
	}
	s.Svc = service.New(s.Store, now).WithWorkbooks(xlsx.Workbooks{})
	return s
}

// Config is the platform configuration naming the stack's table, as the
// functions read it from their environment.
func (s *Stack) Config() platform.Config { return platform.Config{Table: s.Table} }

// AuditTable is the name of the stack's audit table.
func (s *Stack) AuditTable() string { return store.AuditTableName(s.Table) }

// Build returns a Builder over the stack's service.
func (s *Stack) Build(t testing.TB) *Builder { return NewBuilder(t, s.Svc) }

// ScanItems reads every item of a table, consistently, with the plain
// client (so the reads are neither counted nor faulted).
func (s *Stack) ScanItems(t testing.TB, table string) []map[string]types.AttributeValue {
	t.Helper()
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(s.Plain, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		items = append(items, out.Items...)
	}
	return items
}

// ScanLines returns every item of the given tables, each as one canonical
// JSON line, sorted.
func (s *Stack) ScanLines(t testing.TB, tables ...string) []string {
	t.Helper()
	var lines []string
	for _, table := range tables {
		for _, item := range s.ScanItems(t, table) {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				t.Fatalf("unmarshal scanned item: %v", err)
			}
			raw, _ := json.Marshal(m) // map keys come out sorted
			lines = append(lines, string(raw))
		}
	}
	sort.Strings(lines)
	return lines
}

// Snapshot returns every item of both of the stack's tables (records and
// audit trail): two snapshots compared with SameSnapshot show whether
// anything at all was written in between.
func (s *Stack) Snapshot(t testing.TB) []string {
	t.Helper()
	return s.ScanLines(t, s.Table, s.AuditTable())
}

// SameSnapshot fails the test (without stopping it) if the tables changed
// between two snapshots, naming what appeared and what went.
func SameSnapshot(t testing.TB, what string, before, after []string) {
	t.Helper()
	if slices.Equal(before, after) {
		return
	}
	var added, removed []string
	for _, l := range after {
		if !slices.Contains(before, l) {
			added = append(added, l)
		}
	}
	for _, l := range before {
		if !slices.Contains(after, l) {
			removed = append(removed, l)
		}
	}
	t.Errorf("%s changed the table:\n added: %v\n removed: %v", what, added, removed)
}

// Clock is a fake time, safe to read and move from any goroutine.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at start (RFC 3339); it panics on a bad time.
func NewClock(start string) *Clock {
	c := &Clock{}
	c.Set(start)
	return c
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to s (RFC 3339); it panics on a bad time.
func (c *Clock) Set(s string) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic("testkit: clock: " + err.Error())
	}
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
