// Package repair holds what the one-off repair commands in infra/
// (recount, refill, backfill) share: the store they run against, the flag
// naming programmes and the report of each programme.
package repair

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// Programmes is the -programme flag, repeated for several ids.
type Programmes []string

// String is the ids as given, comma-separated (flag.Value).
func (p *Programmes) String() string { return strings.Join(*p, ",") }

// Set adds one id (flag.Value). An empty or blank one is refused, so the
// command exits 2 with the usage: it names no programme, and a repair of
// none would print a report that looks like a programme with nothing to
// put right.
func (p *Programmes) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("a programme's id is needed, not an empty or blank value")
	}
	*p = append(*p, v)
	return nil
}

// ErrNoProgramme is the failure of a repair of a programme id that no
// programme has (a mistyped id, say), reported as such rather than as a
// programme with nothing to put right.
var ErrNoProgramme = errors.New("no programme has this id: nothing was read or changed")

// Exists is nil when the programme id is stored, ErrNoProgramme when it
// is not, or the error reading it: one GetItem.
func Exists(ctx context.Context, st *store.Store, id string) error {
	_, err := st.Programme(ctx, id)
	if errors.Is(err, service.ErrNotFound) {
		return ErrNoProgramme
	}
	return err
}

// List is xs, or an empty list for none: a report prints [], not null.
func List[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// Store is the records' store a repair runs against: the local stack
// unless the environment names another (platform.FromLocalEnv), and with
// FUNDTRACK_DYNAMODB_ENDPOINT set empty DynamoDB itself, as make deploy
// runs infra/backfill.
func Store(ctx context.Context) (*store.Store, error) {
	c, err := platform.FromLocalEnv(platform.Local{KeepEmpty: true})
	if err != nil {
		return nil, err
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	return store.New(c.DynamoDB(cfg), c.Table), nil
}

// Report prints what a repair did in one programme as one JSON object
// (programmeId, dryRun and fields) on standard output, for an operator's
// record of the run, and logs err naming the programme. A failure is in
// the object too, as its "error" (fields then say what was done before
// it), so the record alone tells a failed run from a clean one. It says
// whether there was an error, so that the command can exit 1 after the
// last.
func Report(id string, dry bool, fields map[string]any, err error) (failed bool) {
	out := map[string]any{"programmeId": id, "dryRun": dry}
	for k, v := range fields {
		out[k] = v
	}
	if err != nil {
		out["error"] = err.Error()
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	os.Stdout.Write(append(b, '\n'))
	if err != nil {
		log.Printf("programme %s: %v", id, err)
	}
	return err != nil
}

// Run is the whole of a repair over named programmes (recount, refill):
// it reads -programme (repeated, at least one) and -n, exiting 2 with
// the usage when they are wrong; runs do for each programme against
// Store, writing only without -n, once it is found (Exists: an id no
// programme has is reported failed, with ErrNoProgramme and no fields);
// prints each one's Report; and exits 1 after the last if any failed.
func Run(name string, do func(ctx context.Context, st *store.Store, id string, write bool) (map[string]any, error)) {
	var ids Programmes
	flag.Var(&ids, "programme", "a programme's id (repeat for several)")
	dry := flag.Bool("n", false, "only read: say what would be put right, and write nothing")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s [-n] -programme <id> [-programme <id>…]\n", name)
		flag.PrintDefaults()
	}
	flag.Parse()
	if len(ids) == 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	st, err := Store(ctx)
	if err != nil {
		log.Fatal(err)
	}
	failed := false
	for _, id := range ids {
		if err := Exists(ctx, st, id); err != nil {
			failed = Report(id, *dry, nil, err) || failed
			continue
		}
		fields, err := do(ctx, st, id, !*dry)
		failed = Report(id, *dry, fields, err) || failed
	}
	if failed {
		os.Exit(1)
	}
}
