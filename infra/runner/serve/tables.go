package serve

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/infra/cfn"
	"github.com/fundtrack/fundtrack/shared/store"
)

// tableDef is one of the runner's tables as template.yaml defines it.
type tableDef struct {
	in  *dynamodb.CreateTableInput
	ttl string // its time-to-live attribute, "" for none
}

// tableDefs are the records table and its audit table, as template.yaml
// defines them.
func tableDefs(table string) ([]tableDef, error) {
	path, err := cfn.FindTemplate()
	if err != nil {
		return nil, err
	}
	tpl, err := cfn.Load(path)
	if err != nil {
		return nil, err
	}
	var defs []tableDef
	for _, t := range []struct{ logicalID, name string }{
		{cfn.TableLogicalID, table}, {cfn.AuditTableLogicalID, store.AuditTableName(table)},
	} {
		in, ttl, err := cfn.TableInput(tpl, t.logicalID, t.name)
		if err != nil {
			return nil, err
		}
		defs = append(defs, tableDef{in: in, ttl: ttl})
	}
	return defs, nil
}

// EnsureTables creates the records table and its audit table, as
// template.yaml defines them, unless they exist (then it is a
// DescribeTable each).
func EnsureTables(ctx context.Context, db *dynamodb.Client, table string) error {
	defs, err := tableDefs(table)
	if err != nil {
		return err
	}
	for _, d := range defs {
		if err := cfn.EnsureTable(ctx, db, d.in, d.ttl); err != nil {
			return err
		}
	}
	return nil
}

// KeepTables recreates the tables whenever they disappear (DynamoDB Local
// restarted in memory, say), looking every interval until ctx ends, so the
// runner picks up again without a restart; meanwhile requests answer 503.
// A look is one DescribeTable a table; a table found missing is made
// again and said so. A look that fails (DynamoDB Local down, or too busy
// to answer within checkTimeout: a load test) says nothing of the tables,
// so it is logged once, and the failures after it summed up in a line at
// most every failureQuiet, rather than a line a look.
func KeepTables(ctx context.Context, db *dynamodb.Client, table string, every time.Duration) {
	defs, err := tableDefs(table)
	if err != nil {
		log.Printf("tables: not kept: %v", err)
		return
	}
	k := &tableKeeper{db: db, defs: defs, every: every, timeout: checkTimeout, quiet: failureQuiet, logf: log.Printf, now: time.Now}
	k.run(ctx)
}

const (
	// checkTimeout is how long a look at a table waits for DynamoDB Local.
	checkTimeout = 10 * time.Second
	// makeTimeout is how long making a missing table again may take.
	makeTimeout = 30 * time.Second
	// failureQuiet is how often, at most, failed looks are logged.
	failureQuiet = 10 * time.Minute
)

// tableKeeper is KeepTables's state: the looks that failed since the last
// line about them.
type tableKeeper struct {
	db             *dynamodb.Client
	defs           []tableDef
	every, timeout time.Duration
	quiet          time.Duration
	logf           func(format string, args ...any)
	now            func() time.Time

	failed int       // looks failed since the last line about them
	logged time.Time // when that line was written
}

func (k *tableKeeper) run(ctx context.Context) {
	tick := time.NewTicker(k.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		k.look(ctx)
	}
}

// look looks at each table once, making a missing one again.
func (k *tableKeeper) look(ctx context.Context) {
	for _, d := range k.defs {
		name := aws.ToString(d.in.TableName)
		check, cancel := context.WithTimeout(ctx, k.timeout)
		_, err := k.db.DescribeTable(check, &dynamodb.DescribeTableInput{TableName: d.in.TableName})
		cancel()
		var missing *types.ResourceNotFoundException
		if errors.As(err, &missing) {
			mk, cancel := context.WithTimeout(ctx, makeTimeout)
			err = cfn.EnsureTable(mk, k.db, d.in, d.ttl)
			cancel()
			if err == nil {
				k.logf("tables: %s was missing (DynamoDB Local restarted?): made again", name)
				continue
			}
		}
		if err == nil || ctx.Err() != nil {
			continue
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("DynamoDB Local did not answer within %s", k.timeout)
		}
		k.fail(name, err)
	}
}

// fail notes a failed look at table name: logged at once the first time,
// then summed up at most every k.quiet.
func (k *tableKeeper) fail(name string, err error) {
	k.failed++
	now := k.now()
	switch {
	case k.logged.IsZero():
		k.logf("tables: could not look at %s: %v (the runner looks again every %s; failures are summed up here at most every %s)",
			name, err, k.every, k.quiet)
	case now.Sub(k.logged) >= k.quiet:
		k.logf("tables: %d looks at the tables failed since %s, the last at %s: %v",
			k.failed, k.logged.Format(time.TimeOnly), name, err)
	default:
		return
	}
	k.failed, k.logged = 0, now
}
