package store

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// batchKeys is the most keys one BatchGetItem reads (DynamoDB's bound).
const batchKeys = 100

// batchReaders bounds the BatchGetItems one batchGet has in flight.
const batchReaders = 8

// batchGet reads keys of the table, of any partitions and any number of
// them, consistently: one BatchGetItem per batchKeys keys, sent together
// (at most batchReaders at a time), each asking again for what DynamoDB
// left unprocessed (batchGetChunk). The items come in no particular
// order; a key with no item has none. It is the one place the store reads
// in batches: a caller need not cut its keys to DynamoDB's bound.
func (s *Store) batchGet(ctx context.Context, keys []Item, projection string) ([]Item, error) {
	if len(keys) <= batchKeys { // one request: no goroutine to wait on
		return s.batchGetChunk(ctx, keys, projection)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := slices.Collect(slices.Chunk(keys, batchKeys))
	results := make([][]Item, len(chunks))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error // the first failure, not a sibling's cancellation after it
	)
	slots := make(chan struct{}, batchReaders)
	for i, chunk := range chunks {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			items, err := s.batchGetChunk(ctx, chunk, projection)
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
					cancel() // the others' answers are no use now
				}
				mu.Unlock()
				return
			}
			results[i] = items
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return slices.Concat(results...), nil
}

// batchGetChunk reads up to batchKeys keys in one BatchGetItem, asking
// again (s.retry) for any keys DynamoDB left unprocessed.
func (s *Store) batchGetChunk(ctx context.Context, keys []Item, projection string) ([]Item, error) {
	var out []Item
	if len(keys) == 0 {
		return out, nil
	}
	ka := types.KeysAndAttributes{Keys: keys, ConsistentRead: aws.Bool(true)}
	if projection != "" {
		ka.ProjectionExpression = aws.String(projection)
	}
	req := map[string]types.KeysAndAttributes{s.table: ka}
	err := s.retry(ctx, "a batch read", func() error {
		res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return classify(err)
		}
		out = append(out, res.Responses[s.table]...)
		req = res.UnprocessedKeys
		if len(req) > 0 {
			return busy{fmt.Errorf("%d keys left unprocessed", len(req[s.table].Keys))}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inPartition reads keys of one partition, answered by sort key.
func (s *Store) inPartition(ctx context.Context, keys []Item, projection string) (map[string]Item, error) {
	items, err := s.batchGet(ctx, keys, projection)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Item, len(items))
	for _, item := range items {
		out[skAttr(item)] = item
	}
	return out, nil
}

func skAttr(item Item) string { return attrS(item["SK"]) }

// ReadAccess reads the programme, the roles email holds in it (none when
// email is ""), whether the web session was ended (none when it has no
// ID) and each of gets in one BatchGetItem: every request inside a
// programme needs the first three before it may do anything, and a single
// record then costs no second request.
func (s *Store) ReadAccess(ctx context.Context, programmeID, email string, session service.WebSession, gets ...*service.Get) (domain.Programme, []domain.Role, error) {
	var p domain.Programme
	pk := pkProgramme(programmeID)
	keys := []Item{key(pk, skProgramme)}
	if email != "" {
		keys = append(keys, key(pk, skMember(email)))
	}
	sks, keys, err := getKeys(programmeID, gets, keys)
	if err != nil {
		return p, nil, err
	}
	// A web session's ended-marker and its person's sign-out on every
	// device ride in the same batch (partitions of their own, SKs no
	// programme item has): the check costs no request.
	items, err := s.inPartition(ctx, sessionKeys(session, keys), "")
	if err != nil {
		return p, nil, fmt.Errorf("read programme %s with access: %w", programmeID, err)
	}
	ended, err := sessionEnded(session, items)
	if err != nil {
		return p, nil, err
	}
	if ended {
		return p, nil, service.ErrSessionEnded
	}
	item, ok := items[skProgramme]
	if !ok {
		return p, nil, service.ErrNotFound
	}
	if err := unmarshal(item, &p); err != nil {
		return p, nil, fmt.Errorf("decode programme %s: %w", programmeID, err)
	}
	var roles []domain.Role
	if item, ok := items[skMember(email)]; ok && email != "" {
		var m domain.Member
		if err := unmarshal(item, &m); err != nil {
			return p, nil, fmt.Errorf("decode member of %s: %w", programmeID, err)
		}
		roles = m.Roles
	}
	return p, roles, decodeGets(items, gets, sks)
}

// Read reads each of gets: one GetItem for one, else one BatchGetItem per
// 100 (batchGet), sent together.
func (s *Store) Read(ctx context.Context, programmeID string, gets ...*service.Get) error {
	sks, keys, err := getKeys(programmeID, gets, nil)
	if err != nil || len(keys) == 0 {
		return err
	}
	if len(keys) == 1 { // a GetItem is cheaper to send and read than a batch of one
		g := gets[0]
		item, err := s.getItem(ctx, keys[0])
		if err != nil {
			return fmt.Errorf("read %s %s of %s: %w", g.Ref.Entity, g.Ref.ID, programmeID, err)
		}
		items := map[string]Item{}
		if item != nil {
			items[sks[0]] = item
		}
		return decodeGets(items, gets, sks)
	}
	items, err := s.inPartition(ctx, keys, "")
	if err != nil {
		return fmt.Errorf("read records of %s: %w", programmeID, err)
	}
	return decodeGets(items, gets, sks)
}

// getKeys adds the keys of gets to keys; sks[i] is gets[i]'s sort key.
func getKeys(programmeID string, gets []*service.Get, keys []Item) ([]string, []Item, error) {
	sks := make([]string, len(gets))
	seen := map[string]bool{}
	for _, k := range keys {
		seen[skAttr(k)] = true
	}
	for i, g := range gets {
		sk, ok := skOfRef(g.Ref)
		if !ok {
			return nil, nil, fmt.Errorf("no key for a %s", g.Ref.Entity)
		}
		sks[i] = sk
		if !seen[sk] {
			seen[sk] = true
			keys = append(keys, key(pkProgramme(programmeID), sk))
		}
	}
	return sks, keys, nil
}

func decodeGets(items map[string]Item, gets []*service.Get, sks []string) error {
	for i, g := range gets {
		item, ok := items[sks[i]]
		g.Found, g.Rev = ok, 0
		if !ok {
			continue
		}
		rev, err := itemRev(item)
		if err != nil {
			return fmt.Errorf("decode revision of %s %s: %w", g.Ref.Entity, g.Ref.ID, err)
		}
		g.Rev = rev
		if g.Into != nil {
			if err := decodeInto(item, g.Into); err != nil {
				return fmt.Errorf("decode %s %s: %w", g.Ref.Entity, g.Ref.ID, err)
			}
		}
	}
	return nil
}

// MissingRefs returns those of refs that are not records of the programme:
// one BatchGetItem of their keys only. The transaction that writes checks
// the references again; this lets a request that is refused for other
// reasons name a bad reference in the same answer.
func (s *Store) MissingRefs(ctx context.Context, programmeID string, refs []domain.RecordRef) ([]domain.RecordRef, error) {
	gets := make([]*service.Get, len(refs))
	for i, r := range refs {
		gets[i] = &service.Get{Ref: r}
	}
	sks, keys, err := getKeys(programmeID, gets, nil)
	if err != nil {
		return nil, err
	}
	items, err := s.inPartition(ctx, keys, "SK")
	if err != nil {
		return nil, fmt.Errorf("check references in %s: %w", programmeID, err)
	}
	var missing []domain.RecordRef
	for i, r := range refs {
		if _, ok := items[sks[i]]; !ok {
			missing = append(missing, r)
		}
	}
	return missing, nil
}

// Ping reads one key of the table (there is no item there), so it costs a
// read unit at most and fails only when the table does not answer.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(healthKey, healthKey)})
	if err != nil {
		return fmt.Errorf("ping %s: %w", s.table, classify(err))
	}
	return nil
}
