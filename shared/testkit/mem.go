package testkit

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/service/memstore"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// Mem is one test's fundtrack over the in-memory fake of storage
// (shared/service/memstore) instead of DynamoDB Local: the same service
// and, through API, the same mounted API functions, for tests of rules
// (roles, refusals) that need not pay a database's round trips for each
// case. What only DynamoDB can prove (request counts, the store's own
// behaviour, one end-to-end request per route) stays on a Stack; the
// memstore keeps to the DynamoDB store's behaviour through shared/store's
// contract test.
type Mem struct {
	Store *memstore.Store
	Svc   *service.Service
	Clock *Clock // the service's time when made WithClock; nil: the wall clock
}

// NewMem makes an empty in-memory store and the service over it. Of the
// options, only WithClock applies (there is no DynamoDB client to wrap).
func NewMem(t testing.TB, opts ...Option) *Mem {
	t.Helper()
	var o stackOptions
	for _, opt := range opts {
		opt(&o)
	}
	if len(o.dbOpts) > 0 {
		t.Fatal("testkit: NewMem has no DynamoDB client for WithDBOptions")
	}
	m := &Mem{Store: memstore.New(), Clock: o.clock}
	m.Svc = service.New(m.Store, m.now()).WithWorkbooks(xlsx.Workbooks{})
	return m
}

func (m *Mem) now() func() time.Time {
	if m.Clock == nil {
		return nil
	}
	return m.Clock.Now
}

// Build returns a Builder over the store's service.
func (m *Mem) Build(t testing.TB) *Builder { return NewBuilder(t, m.Svc) }

// API starts the API over the store, on its clock if it has one.
func (m *Mem) API(t testing.TB) *API {
	t.Helper()
	return NewMemAPI(t, m.Store, APIConfig{Now: m.now()})
}

// Snapshot is everything the store holds, one line an item, in the shape
// SameSnapshot compares (as Stack.Snapshot is for the tables).
func (m *Mem) Snapshot(t testing.TB) []string {
	t.Helper()
	return strings.Split(strings.TrimSuffix(m.Store.Snapshot(), "\n"), "\n")
}

// NewMemAPI starts the API over an in-memory store, wired as NewAPI wires
// it but for the service's storage. c.Config needs no table: nothing
// reaches DynamoDB (the API reaches storage only through the service).
// Each request starts in a millisecond of its own (see nextMillisecond).
func NewMemAPI(t testing.TB, st *memstore.Store, c APIConfig) *API {
	t.Helper()
	around := c.Around
	c.Around = func(api http.Handler) http.Handler {
		h := OwnMillisecond(api)
		if around != nil {
			return around(h)
		}
		return h
	}
	return serveAPI(t, nil, c, func(deps *httpapi.Deps) {
		deps.Service = service.New(st, c.Now)
	})
}

// OwnMillisecond starts each request to h in a millisecond of its own
// (see nextMillisecond), as a server over memory needs for its writes
// to sort in the order they were made: the memory API has it, and the web
// tests' app over memory.
func OwnMillisecond(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nextMillisecond()
		h.ServeHTTP(w, r)
	})
}

// nextMillisecond waits for the wall clock's next millisecond. Ids (and
// audit events' ids) sort by the millisecond they were made in, then at
// random, and tests expect lists oldest first in the order they made
// things. Over DynamoDB each write takes longer than a millisecond, so
// that holds by itself; over memory two writes can share one, so the
// kit starts each of its writes (a Builder's, a request to a memory API)
// in a millisecond after the one in which the previous write had ended.
func nextMillisecond() {
	now := time.Now()
	time.Sleep(now.Truncate(time.Millisecond).Add(time.Millisecond).Sub(now))
}
