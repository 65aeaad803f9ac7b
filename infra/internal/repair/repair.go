// Package repair holds what the one-off repair commands in infra/
// (recount, refill, backfill) share: the store they run against, the flag
// naming programmes and the report of each programme.
package repair

import (
	"context"
	"encoding/json"
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
