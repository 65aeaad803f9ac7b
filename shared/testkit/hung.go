package testkit

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/store"
)

// HungDB is a database that stops answering: while Hang is nil or set,
// each call waits until its context is done or, when IgnoreContext is set,
// until Release is closed (a client that misbehaves). While Hang is unset
// it passes calls through to DB, so a test can sign in first and then
// pull the plug.
type HungDB struct {
	store.DB
	Hang          *atomic.Bool
	IgnoreContext bool
	Release       chan struct{}
}

func (h HungDB) hung() bool { return h.Hang == nil || h.Hang.Load() }

func (h HungDB) wait(ctx context.Context) error {
	if h.IgnoreContext {
		<-h.Release
		return errors.New("released")
	}
	<-ctx.Done()
	return ctx.Err()
}

// GetItem waits while hung.
func (h HungDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if h.hung() {
		return nil, h.wait(ctx)
	}
	return h.DB.GetItem(ctx, in, o...)
}

// BatchGetItem waits while hung.
func (h HungDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	if h.hung() {
		return nil, h.wait(ctx)
	}
	return h.DB.BatchGetItem(ctx, in, o...)
}

// Query waits while hung.
func (h HungDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if h.hung() {
		return nil, h.wait(ctx)
	}
	return h.DB.Query(ctx, in, o...)
}

// TransactWriteItems waits while hung.
func (h HungDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if h.hung() {
		return nil, h.wait(ctx)
	}
	return h.DB.TransactWriteItems(ctx, in, o...)
}

// TransactGetItems waits while hung.
func (h HungDB) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	if h.hung() {
		return nil, h.wait(ctx)
	}
	return h.DB.TransactGetItems(ctx, in, o...)
}

// PutItem waits while hung.
func (h HungDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if h.hung() {
		return nil, h.wait(ctx)
	}
	return h.DB.PutItem(ctx, in, o...)
}

// LateAnswerDB makes every transaction at once, whatever its caller's
// context, then holds the answer back until the instant Until gives, as a
// slow network might: the write is made, and a caller that stops waiting
// at its deadline cannot tell. Every other call passes through to DB.
type LateAnswerDB struct {
	store.DB
	Until func() time.Time
}

// TransactWriteItems writes, then answers at Until, or with the caller's
// context's error if that ends first.
func (l LateAnswerDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := l.DB.TransactWriteItems(context.WithoutCancel(ctx), in, o...)
	t := time.NewTimer(time.Until(l.Until()))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return out, err
	}
}
