package testenv

import (
	"context"
	"testing"
)

// SetReuseLimit lowers the number of items a table may hold and still be
// emptied for reuse, for the length of a test.
func SetReuseLimit(t *testing.T, n int) {
	old := maxReuseItems
	maxReuseItems = n
	t.Cleanup(func() { maxReuseItems = old })
}

// Sweep deletes the pooled tables of exited test binaries.
func Sweep(ctx context.Context) error { return sweep(ctx, newClient()) }

// PoolPrefix is the prefix of this process's pooled tables.
func PoolPrefix() string { return poolPrefix() }
