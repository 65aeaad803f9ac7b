package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Key prefixes. docs/dynamodb.md lists every item and access pattern.
const (
	allProgrammes = "PROGRAMMES"
	skProgramme   = "PROG"
	skTotals      = "TOTALS"
)

func pkProgramme(id string) string { return "PROG#" + id }
func skMember(email string) string { return "MEMBER#" + email }
func skFunder(id string) string    { return "FUNDER#" + id }
func skProject(id string) string   { return "PROJECT#" + id }

// put is a transaction item that creates an item, failing if it exists.
func (s *Store) put(item Item) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &s.table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}
}

// mustExist is a transaction item that only checks an item is there.
func (s *Store) mustExist(pk, sk string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: key(pk, sk),
		ConditionExpression: aws.String("attribute_exists(PK)"),
	}}
}

// CreateProgramme stores a new programme with its audit event.
func (s *Store) CreateProgramme(ctx context.Context, p domain.Programme, ev domain.AuditEvent) error {
	item, err := record(p, "programme", keys{PK: pkProgramme(p.ID), SK: skProgramme, GSI1PK: allProgrammes, GSI1SK: pkProgramme(p.ID)})
	if err != nil {
		return err
	}
	if err := s.write(ctx, ev, s.put(item)); err != nil {
		return fmt.Errorf("create programme %s: %w", p.ID, err)
	}
	return nil
}

// Programme returns one programme, or a not-found error.
func (s *Store) Programme(ctx context.Context, id string) (domain.Programme, error) {
	var p domain.Programme
	ok, err := s.get(ctx, pkProgramme(id), skProgramme, &p)
	if err != nil {
		return p, fmt.Errorf("get programme %s: %w", id, err)
	}
	if !ok {
		return p, domain.NotFound("programme")
	}
	return p, nil
}

// ProgrammeAndRoles reads a programme and the roles the given email holds in
// it in one BatchGetItem, since every request inside a programme needs both
// before it may do anything. A missing programme is a not-found error; a
// non-member gets nil roles.
func (s *Store) ProgrammeAndRoles(ctx context.Context, id, email string) (domain.Programme, []domain.Role, error) {
	p, roles, _, err := s.ProgrammeRolesProject(ctx, id, email, "")
	return p, roles, err
}

// ProgrammeRolesProject is ProgrammeAndRoles that also reads one project of
// the programme in the same BatchGetItem (nil when it is not there), for
// the routes under /projects/{projectId}.
func (s *Store) ProgrammeRolesProject(ctx context.Context, id, email, projectID string) (domain.Programme, []domain.Role, *domain.Project, error) {
	var p domain.Programme
	keys := []Item{key(pkProgramme(id), skProgramme)}
	if email != "" {
		keys = append(keys, key(pkProgramme(id), skMember(email)))
	}
	if projectID != "" {
		keys = append(keys, key(pkProgramme(id), skProject(projectID)))
	}
	req := map[string]types.KeysAndAttributes{s.table: {Keys: keys, ConsistentRead: aws.Bool(true)}}
	var items []Item
	for len(req) > 0 {
		out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return p, nil, nil, fmt.Errorf("get programme %s and member: %w", id, classify(err))
		}
		items = append(items, out.Responses[s.table]...)
		req = out.UnprocessedKeys
	}
	var roles []domain.Role
	var project *domain.Project
	found := false
	for _, item := range items {
		switch sk := skOf(item); {
		case sk == skProgramme:
			if err := unmarshal(item, &p); err != nil {
				return p, nil, nil, fmt.Errorf("decode programme %s: %w", id, err)
			}
			found = true
		case strings.HasPrefix(sk, "PROJECT#"):
			project = &domain.Project{}
			if err := unmarshal(item, project); err != nil {
				return p, nil, nil, fmt.Errorf("decode project %s: %w", projectID, err)
			}
		default:
			var m domain.Member
			if err := unmarshal(item, &m); err != nil {
				return p, nil, nil, fmt.Errorf("decode member of %s: %w", id, err)
			}
			roles = m.Roles
		}
	}
	if !found {
		return p, nil, nil, domain.NotFound("programme")
	}
	return p, roles, project, nil
}

func skOf(item Item) string {
	if v, ok := item["SK"].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// ListProgrammes lists every programme, oldest first (for admins).
func (s *Store) ListProgrammes(ctx context.Context, p Page) ([]domain.Programme, string, error) {
	var out []domain.Programme
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: allProgrammes, prefix: "PROG#"}, p,
		func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list programmes: %w", err)
	}
	return out, next, nil
}

// ListProgrammesOf lists the programmes an email holds roles in: one Query of
// its memberships, then one BatchGetItem for the programmes of the page.
func (s *Store) ListProgrammesOf(ctx context.Context, email string, p Page) ([]domain.Programme, string, error) {
	var ids []string
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: "USER#" + email, prefix: "PROG#"}, p,
		func(item Item) error {
			if v, ok := item["PK"].(*types.AttributeValueMemberS); ok {
				ids = append(ids, strings.TrimPrefix(v.Value, "PROG#"))
			}
			return nil
		})
	if err != nil {
		return nil, "", fmt.Errorf("list programmes of member: %w", err)
	}
	if len(ids) == 0 {
		return nil, next, nil
	}
	keys := make([]Item, len(ids))
	for i, id := range ids {
		keys[i] = key(pkProgramme(id), skProgramme)
	}
	byID := map[string]domain.Programme{}
	req := map[string]types.KeysAndAttributes{s.table: {Keys: keys}}
	for len(req) > 0 {
		out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, "", fmt.Errorf("get programmes of member: %w", classify(err))
		}
		for _, item := range out.Responses[s.table] {
			var pr domain.Programme
			if err := unmarshal(item, &pr); err != nil {
				return nil, "", fmt.Errorf("decode programme: %w", err)
			}
			byID[pr.ID] = pr
		}
		req = out.UnprocessedKeys
	}
	progs := make([]domain.Programme, 0, len(ids))
	for _, id := range ids {
		if pr, ok := byID[id]; ok {
			progs = append(progs, pr)
		}
	}
	return progs, next, nil
}

func appendDecoded[T any](item Item, out *[]T) error {
	var v T
	if err := unmarshal(item, &v); err != nil {
		return fmt.Errorf("decode %T: %w", v, err)
	}
	*out = append(*out, v)
	return nil
}

// PutMember creates or replaces a member's roles. Every project and funder a
// role names is checked to exist in the same transaction; a missing one is
// reported as a validation error on that role. before is the member's
// previous state (nil when new) and must still be current.
func (s *Store) PutMember(ctx context.Context, programmeID string, m domain.Member, before *domain.Member, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(m, "member", keys{PK: pk, SK: skMember(m.Email), GSI1PK: "USER#" + m.Email, GSI1SK: pk})
	if err != nil {
		return err
	}
	put := types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item}}
	if before == nil {
		put.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		put.Put.ConditionExpression = aws.String("updatedAt = :was")
		was, _ := marshal(map[string]any{":was": before.UpdatedAt})
		put.Put.ExpressionAttributeValues = was
	}
	items := []types.TransactWriteItem{put, s.mustExist(pk, skProgramme)}
	fields := []string{"", ""}
	for i, r := range m.Roles {
		switch r.Role {
		case domain.RoleProjectLead:
			items = append(items, s.mustExist(pk, skProject(r.ProjectID)))
			fields = append(fields, fmt.Sprintf("roles[%d].projectId", i))
		case domain.RoleFunder:
			items = append(items, s.mustExist(pk, skFunder(r.FunderID)))
			fields = append(fields, fmt.Sprintf("roles[%d].funderId", i))
		}
	}
	err = s.write(ctx, ev, items...)
	var tc *txCancelled
	if asTx(err, &tc) {
		switch tc.Index {
		case 0:
			return domain.Errorf(domain.CodeConflict, "the member was changed by someone else at the same time; try again")
		case 1:
			return domain.NotFound("programme")
		}
		refs := map[int]string{}
		for i, f := range fields {
			if f != "" {
				refs[i] = f
			}
		}
		err = refError(err, refs)
	}
	if err != nil {
		return fmt.Errorf("put member %s of %s: %w", m.Email, programmeID, err)
	}
	return nil
}

// DeleteMember removes a member's roles in a programme.
func (s *Store) DeleteMember(ctx context.Context, programmeID string, before domain.Member, ev domain.AuditEvent) error {
	was, _ := marshal(map[string]any{":was": before.UpdatedAt})
	del := types.TransactWriteItem{Delete: &types.Delete{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skMember(before.Email)),
		ConditionExpression:       aws.String("updatedAt = :was"),
		ExpressionAttributeValues: was,
	}}
	err := s.write(ctx, ev, del)
	var tc *txCancelled
	if asTx(err, &tc) {
		return domain.Errorf(domain.CodeConflict, "the member was changed by someone else at the same time; try again")
	}
	if err != nil {
		return fmt.Errorf("delete member %s of %s: %w", before.Email, programmeID, err)
	}
	return nil
}

// Member returns one member of a programme, or a not-found error.
func (s *Store) Member(ctx context.Context, programmeID, email string) (domain.Member, error) {
	var m domain.Member
	ok, err := s.get(ctx, pkProgramme(programmeID), skMember(email), &m)
	if err != nil {
		return m, fmt.Errorf("get member %s of %s: %w", email, programmeID, err)
	}
	if !ok {
		return m, domain.NotFound("member")
	}
	return m, nil
}

// ListMembers lists a programme's members by email.
func (s *Store) ListMembers(ctx context.Context, programmeID string, p Page) ([]domain.Member, string, error) {
	var out []domain.Member
	next, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: "MEMBER#"}, p,
		func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list members of %s: %w", programmeID, err)
	}
	return out, next, nil
}

// CreateFunder stores a new funder of a programme.
func (s *Store) CreateFunder(ctx context.Context, programmeID string, f domain.Funder, ev domain.AuditEvent) error {
	return s.createChild(ctx, programmeID, f, "funder", skFunder(f.ID), ev)
}

// Funder returns one funder of a programme, or a not-found error.
func (s *Store) Funder(ctx context.Context, programmeID, id string) (domain.Funder, error) {
	var f domain.Funder
	return f, s.getChild(ctx, programmeID, skFunder(id), "funder", &f)
}

// ListFunders lists a programme's funders, oldest first.
func (s *Store) ListFunders(ctx context.Context, programmeID string, p Page) ([]domain.Funder, string, error) {
	var out []domain.Funder
	next, err := s.listChildren(ctx, programmeID, "FUNDER#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateProject stores a new project of a programme.
func (s *Store) CreateProject(ctx context.Context, programmeID string, pr domain.Project, ev domain.AuditEvent) error {
	return s.createChild(ctx, programmeID, pr, "project", skProject(pr.ID), ev)
}

// Project returns one project of a programme, or a not-found error.
func (s *Store) Project(ctx context.Context, programmeID, id string) (domain.Project, error) {
	var pr domain.Project
	return pr, s.getChild(ctx, programmeID, skProject(id), "project", &pr)
}

// ListProjects lists a programme's projects, oldest first.
func (s *Store) ListProjects(ctx context.Context, programmeID string, p Page) ([]domain.Project, string, error) {
	var out []domain.Project
	next, err := s.listChildren(ctx, programmeID, "PROJECT#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// createChild writes a record that lives in a programme's partition, with a
// check that the programme is there and its audit event.
func (s *Store) createChild(ctx context.Context, programmeID string, v any, typ, sk string, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(v, typ, keys{PK: pk, SK: sk})
	if err != nil {
		return err
	}
	if err := s.write(ctx, ev, s.put(item), s.mustExist(pk, skProgramme)); err != nil {
		var tc *txCancelled
		if asTx(err, &tc) && tc.Index == 1 {
			return domain.NotFound("programme")
		}
		return fmt.Errorf("create %s %s in %s: %w", typ, sk, programmeID, err)
	}
	return nil
}

func (s *Store) getChild(ctx context.Context, programmeID, sk, what string, v any) error {
	ok, err := s.get(ctx, pkProgramme(programmeID), sk, v)
	if err != nil {
		return fmt.Errorf("get %s %s of %s: %w", what, sk, programmeID, err)
	}
	if !ok {
		return domain.NotFound(what)
	}
	return nil
}

func (s *Store) listChildren(ctx context.Context, programmeID, prefix string, p Page, decode func(Item) error) (string, error) {
	next, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: prefix}, p, decode)
	if err != nil {
		return "", fmt.Errorf("list %s of %s: %w", strings.TrimSuffix(prefix, "#"), programmeID, err)
	}
	return next, nil
}

// Ref is a record a request refers to, by the field that names it.
type Ref struct {
	Field string
	Kind  domain.Entity // funder, project or grant
	ID    string
}

// MissingRefs reports, as validation problems, which of refs are not records
// of the programme: one BatchGetItem. The transaction that writes checks the
// references again; this lets a request that is refused for other reasons
// name a bad reference in the same answer.
func (s *Store) MissingRefs(ctx context.Context, programmeID string, refs []Ref) (domain.Problems, error) {
	p := domain.Problems{}
	bySK := map[string][]string{}
	var keys []Item
	for _, r := range refs {
		var sk string
		switch r.Kind {
		case domain.EntityFunder:
			sk = skFunder(r.ID)
		case domain.EntityProject:
			sk = skProject(r.ID)
		case domain.EntityGrant:
			sk = skGrant(r.ID)
		default:
			continue
		}
		if bySK[sk] == nil {
			keys = append(keys, key(pkProgramme(programmeID), sk))
		}
		bySK[sk] = append(bySK[sk], r.Field)
	}
	if len(keys) == 0 {
		return p, nil
	}
	found := map[string]bool{}
	req := map[string]types.KeysAndAttributes{s.table: {Keys: keys, ProjectionExpression: aws.String("SK")}}
	for len(req) > 0 {
		out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, fmt.Errorf("check references in %s: %w", programmeID, classify(err))
		}
		for _, item := range out.Responses[s.table] {
			found[skOf(item)] = true
		}
		req = out.UnprocessedKeys
	}
	for sk, fields := range bySK {
		if !found[sk] {
			for _, f := range fields {
				p.Add(f, "not found in this programme")
			}
		}
	}
	return p, nil
}
