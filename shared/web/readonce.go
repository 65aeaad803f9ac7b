package web

import (
	"context"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/store"
)

// ReadOnce wraps the web function's DynamoDB client so that, within one
// page request, the same read is sent once. A page asks the service for the
// caller's access (to show or hide actions) and then for its data; both
// begin by reading the programme and the caller's membership, and the
// second read is answered from the first. A write in the request forgets
// everything read so far. Outside a page request (no memo in the context)
// every call goes through unchanged.
func ReadOnce(db store.DB) store.DB { return readOnce{db} }

type readOnce struct{ store.DB }

type memoKey struct{}

// memo holds one request's reads by their canonical input.
type memo struct {
	mu      sync.Mutex
	results map[string]any
}

// withMemo gives a request context its own memo.
func withMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &memo{results: map[string]any{}})
}

func memoOf(ctx context.Context) *memo {
	m, _ := ctx.Value(memoKey{}).(*memo)
	return m
}

func (m *memo) forget() {
	if m != nil {
		m.mu.Lock()
		clear(m.results)
		m.mu.Unlock()
	}
}

// cached runs call once per identical input within a request.
func cached[In any, Out any](ctx context.Context, op string, in In, call func() (Out, error), complete func(Out) bool) (Out, error) {
	m := memoOf(ctx)
	if m == nil {
		return call()
	}
	key := op + " " + canonical(in)
	m.mu.Lock()
	v, ok := m.results[key]
	m.mu.Unlock()
	if ok {
		return v.(Out), nil
	}
	out, err := call()
	if err == nil && complete(out) {
		m.mu.Lock()
		m.results[key] = out
		m.mu.Unlock()
	}
	return out, err
}

func (d readOnce) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return cached(ctx, "GetItem", in, func() (*dynamodb.GetItemOutput, error) { return d.DB.GetItem(ctx, in, opts...) },
		func(*dynamodb.GetItemOutput) bool { return true })
}

func (d readOnce) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return cached(ctx, "Query", in, func() (*dynamodb.QueryOutput, error) { return d.DB.Query(ctx, in, opts...) },
		func(*dynamodb.QueryOutput) bool { return true })
}

func (d readOnce) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return cached(ctx, "BatchGetItem", in, func() (*dynamodb.BatchGetItemOutput, error) { return d.DB.BatchGetItem(ctx, in, opts...) },
		func(out *dynamodb.BatchGetItemOutput) bool { return len(out.UnprocessedKeys) == 0 })
}

func (d readOnce) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	memoOf(ctx).forget()
	return d.DB.PutItem(ctx, in, opts...)
}

func (d readOnce) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	memoOf(ctx).forget()
	return d.DB.UpdateItem(ctx, in, opts...)
}

func (d readOnce) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	memoOf(ctx).forget()
	return d.DB.DeleteItem(ctx, in, opts...)
}

func (d readOnce) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	memoOf(ctx).forget()
	return d.DB.TransactWriteItems(ctx, in, opts...)
}

// canonical writes a request input as text that is equal for equal inputs:
// struct fields in order, map keys sorted, interface values with their
// dynamic type (so a string "1" and a number 1 differ).
func canonical(v any) string {
	var b strings.Builder
	writeCanonical(&b, reflect.ValueOf(v))
	return b.String()
}

func writeCanonical(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("nil")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if v.Kind() == reflect.Interface {
			b.WriteString(v.Elem().Type().String())
		}
		writeCanonical(b, v.Elem())
	case reflect.Struct:
		b.WriteString("{")
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			b.WriteString(t.Field(i).Name + ":")
			writeCanonical(b, v.Field(i))
			b.WriteString(",")
		}
		b.WriteString("}")
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteString("map[")
		for _, k := range keys {
			fmt.Fprintf(b, "%q:", fmt.Sprint(k))
			writeCanonical(b, v.MapIndex(k))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			b.WriteString("0x" + hex.EncodeToString(v.Bytes()))
			return
		}
		b.WriteString("[")
		for i := range v.Len() {
			writeCanonical(b, v.Index(i))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	default:
		fmt.Fprint(b, v.Interface())
	}
}
