package testenv

// Table pairs are reused within a test binary. DynamoDB Local takes about
// 0.14 s of CPU to create a table with its indexes and as long again to
// delete it, and a `make test` run made 173 pairs: a minute of its CPU. A
// test's tables are emptied when it ends instead (a consistent scan of the
// keys and BatchWriteItem deletes, a fraction of that for the few items a
// test writes) and handed to the next test of the same binary.
//
// Pooled tables are named p<pid>.<first test's name>-<random>: a table
// whose process is gone (a test binary killed or finished) is deleted by
// the next test binary that makes a table, so a stack kept running
// between runs does not fill up.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxReuseItems bounds what emptying may cost: a test that wrote more
// than this leaves its tables to be deleted, as deleting is then cheaper.
var maxReuseItems = 2000

var pool struct {
	mu    sync.Mutex
	free  []string // names of emptied main tables; each has its name+"-audit"
	swept sync.Once
}

// takeTable returns an emptied table pair's name, or "" when none is free.
func takeTable() string {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	n := len(pool.free)
	if n == 0 {
		return ""
	}
	name := pool.free[n-1]
	pool.free = pool.free[:n-1]
	return name
}

func putTable(name string) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.free = append(pool.free, name)
}

// poolPrefix marks the tables this process owns.
func poolPrefix() string { return "p" + strconv.Itoa(os.Getpid()) + "." }

var pooledName = regexp.MustCompile(`^p([0-9]+)\.`)

// sweep deletes the pooled tables of test binaries that have exited.
func sweep(ctx context.Context, admin *dynamodb.Client) error {
	p := dynamodb.NewListTablesPaginator(admin, &dynamodb.ListTablesInput{})
	var stale []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list tables: %w", err)
		}
		for _, name := range out.TableNames {
			m := pooledName.FindStringSubmatch(name)
			if m == nil {
				continue
			}
			if pid, err := strconv.Atoi(m[1]); err == nil && exited(pid) {
				stale = append(stale, name)
			}
		}
	}
	for _, name := range stale {
		_, err := admin.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		var gone *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &gone) {
			return fmt.Errorf("delete stale table %s: %w", name, err)
		}
	}
	return nil
}

// exited reports whether no process has this id. (Where signals cannot
// tell, as on Windows, it says no, and the table stays.)
func exited(pid int) bool {
	if pid == os.Getpid() {
		return false
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
	}
	err = proc.Signal(syscall.Signal(0))
	return errors.Is(err, os.ErrProcessDone) || errors.Is(err, syscall.ESRCH)
}

// empty deletes every item of a table, reporting false when the table was
// too full to be worth it, gone, or not left empty.
func empty(ctx context.Context, admin *dynamodb.Client, table string, key []string) (bool, error) {
	names := map[string]string{}
	var aliases []string
	for i, k := range key {
		alias := "#k" + strconv.Itoa(i)
		names[alias] = k
		aliases = append(aliases, alias)
	}
	proj := strings.Join(aliases, ", ")
	var keys []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(admin, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String(proj), ExpressionAttributeNames: names})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("scan %s: %w", table, err)
		}
		keys = append(keys, out.Items...)
		if len(keys) > maxReuseItems {
			return false, nil
		}
	}
	reqs := make([]types.WriteRequest, len(keys))
	for i, k := range keys {
		reqs[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
	}
	for _, batch := range Batches(table, reqs) {
		if err := WriteBatch(ctx, admin, batch); err != nil {
			return false, fmt.Errorf("delete items of %s: %w", table, err)
		}
	}
	// Nothing may have been written meanwhile (a test's server still
	// answering after its cleanup): check, rather than hand on a table
	// that is not empty.
	out, err := admin.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true), Limit: aws.Int32(1)})
	if err != nil {
		return false, fmt.Errorf("scan %s: %w", table, err)
	}
	return len(out.Items) == 0, nil
}

// keyNames are the attribute names of a table's primary key.
func keyNames(in *dynamodb.CreateTableInput) []string {
	var out []string
	for _, k := range in.KeySchema {
		out = append(out, aws.ToString(k.AttributeName))
	}
	return out
}
