// Package repair holds what the one-off repair commands in infra/
// (recount, refill, backfill) share: the store they run against, the flag
// naming programmes and the report of each programme.
package repair

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/store"
)

// Programmes is the -programme flag, repeated for several ids.
type Programmes []string

// String is the ids as given, comma-separated (flag.Value).
func (p *Programmes) String() string { return strings.Join(*p, ",") }

// Set adds one id (flag.Value).
func (p *Programmes) Set(v string) error { *p = append(*p, v); return nil }

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
// record of the run, and logs err naming the programme. It says whether
// there was an error, so that the command can exit 1 after the last.
func Report(id string, dry bool, fields map[string]any, err error) (failed bool) {
	out := map[string]any{"programmeId": id, "dryRun": dry}
	for k, v := range fields {
		out[k] = v
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
// Store, writing only without -n; prints each one's Report; and exits 1
// after the last if any failed.
func Run(name string, do func(ctx context.Context, st *store.Store, id string, write bool) (map[string]any, error)) {
	var ids Programmes
	flag.Var(&ids, "programme", "a programme's id (repeat for several)")
	dry := flag.Bool("n", false, "only read: say what would be put right, and write nothing")
	flag.Parse()
	if len(ids) == 0 || flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "usage: %s [-n] -programme <id> [-programme <id>…]\n", name)
		os.Exit(2)
	}
	ctx := context.Background()
	st, err := Store(ctx)
	if err != nil {
		log.Fatal(err)
	}
	failed := false
	for _, id := range ids {
		fields, err := do(ctx, st, id, !*dry)
		failed = Report(id, *dry, fields, err) || failed
	}
	if failed {
		os.Exit(1)
	}
}
