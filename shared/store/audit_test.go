package store_test

// The audit trail is append-only (SPEC "Audit trail": immutable events).
// TestAuditTableAppendOnlyInCode reads the store's own Go source and checks
// that nothing in it can update or delete an audit event; the other tests
// show the same at run time against DynamoDB Local.

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// auSource is the store package's non-test source, parsed.
type auSource struct {
	fset  *token.FileSet
	files []*ast.File
}

func auParse(t *testing.T) auSource {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	src := auSource{fset: token.NewFileSet()}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(src.fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", p, err)
		}
		if f.Name.Name != "store" {
			continue
		}
		src.files = append(src.files, f)
	}
	if len(src.files) < 5 {
		t.Fatalf("found only %d source files of package store: is the test running in shared/store?", len(src.files))
	}
	return src
}

// auFunc is one top-level declaration: a function or method (name and
// receiver name), or "" for everything outside functions.
type auFunc struct {
	name, recv string
	node       ast.Node
}

func (s auSource) decls() []auFunc {
	var out []auFunc
	for _, f := range s.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				out = append(out, auFunc{node: d})
				continue
			}
			fn := auFunc{name: fd.Name.Name, node: fd}
			if fd.Recv != nil && len(fd.Recv.List) == 1 && len(fd.Recv.List[0].Names) == 1 {
				fn.recv = fd.Recv.List[0].Names[0].Name
			}
			out = append(out, fn)
		}
	}
	return out
}

func (s auSource) pos(n ast.Node) string { return s.fset.Position(n.Pos()).String() }

// auField returns the value of a keyed field of a composite literal.
func auField(lit *ast.CompositeLit, name string) ast.Expr {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				return kv.Value
			}
		}
	}
	return nil
}

// The literals that describe a write (or a check) of one item in one table.
var auWriteTypes = map[string]bool{
	"types.Put": true, "types.Update": true, "types.Delete": true, "types.ConditionCheck": true,
	"dynamodb.PutItemInput": true, "dynamodb.UpdateItemInput": true, "dynamodb.DeleteItemInput": true,
	"dynamodb.BatchWriteItemInput": true, "dynamodb.ExecuteStatementInput": true,
	"dynamodb.BatchExecuteStatementInput": true, "dynamodb.ExecuteTransactionInput": true,
}

// The functions allowed to touch the audit table's name, and why.
var auAuditTableUsers = map[string]string{
	"New":            "configuration",
	"WithAuditTable": "configuration",
	"auditPut":       "the one write: a conditional Put of a new event",
	"listAudit":      "the read path: the table of the query it lists with",
}

func TestAuditTableAppendOnlyInCode(t *testing.T) {
	src := auParse(t)
	var auditPuts int
	seenUsers := map[string]bool{}
	// For each method: the methods it calls on its receiver, and where it
	// is, so a transaction whose audit event a helper builds still counts.
	type method struct {
		calls map[string]int
		pos   string
		name  string
	}
	var methods []method

	for _, fn := range src.decls() {
		calls := map[string]int{} // method name -> calls on the receiver (s.transact, s.auditPut, …)
		ast.Inspect(fn.node, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if n.Sel.Name == "auditTable" {
					if _, ok := auAuditTableUsers[fn.name]; !ok {
						t.Errorf("%s: %s uses the audit table's name; only %v may", src.pos(n), auName(fn), auKeys(auAuditTableUsers))
					}
					seenUsers[fn.name] = true
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "auditTable" {
					if _, ok := auAuditTableUsers[fn.name]; !ok {
						t.Errorf("%s: %s sets the audit table's name; only %v may", src.pos(n), auName(fn), auKeys(auAuditTableUsers))
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && fn.recv != "" && x.Name == fn.recv {
						calls[sel.Sel.Name]++
					}
					// Calls on the DynamoDB client: writes go through transact,
					// or are single-item writes whose literal is checked below.
					if types.ExprString(sel.X) == fn.recv+".db" || strings.HasSuffix(types.ExprString(sel.X), ".db") {
						switch sel.Sel.Name {
						case "TransactWriteItems":
							if fn.name != "transact" {
								t.Errorf("%s: %s calls TransactWriteItems itself; transactions go through transact", src.pos(n), auName(fn))
							}
						case "GetItem", "Query", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem",
							"TransactGetItems": // a read, whatever it names: it cannot write an event
						default:
							t.Errorf("%s: %s calls %s, which this test does not know: extend it", src.pos(n), auName(fn), sel.Sel.Name)
						}
					}
				}
			case *ast.CompositeLit:
				typ := types.ExprString(n.Type)
				if typ == "Store" && fn.name != "New" {
					t.Errorf("%s: %s builds a Store; only New may (a Store over another table could write to the audit table)", src.pos(n), auName(fn))
				}
				if !auWriteTypes[typ] {
					return true
				}
				table := auField(n, "TableName")
				if table == nil {
					t.Errorf("%s: %s builds a %s without naming its table in the literal, so this test cannot check it", src.pos(n), auName(fn), typ)
					return true
				}
				got := types.ExprString(table)
				if got == "&"+fn.recv+".table" {
					return true
				}
				// The only write that may name anything else is auditPut's Put.
				cond := auField(n, "ConditionExpression")
				if fn.name == "auditPut" && typ == "types.Put" && got == "&"+fn.recv+".auditTable" &&
					cond != nil && types.ExprString(cond) == `aws.String("attribute_not_exists(PK)")` {
					auditPuts++
					return true
				}
				condText := "none"
				if cond != nil {
					condText = types.ExprString(cond)
				}
				t.Errorf("%s: %s builds a %s on table %s (condition %s): every write must name the records table, except auditPut's Put of a new event with attribute_not_exists(PK)",
					src.pos(n), auName(fn), typ, got, condText)
			}
			return true
		})
		// Every change written in a transaction carries its audit event,
		// but for the returns a change calls for: createChunk writes them
		// after the change (a schedule, a project) whose own transaction
		// wrote its event and recorded the generation they belong to; and
		// a recipient's claim, which no event records (ClaimRecipient, an
		// UpdateItem): ClaimRecipient makes it a transaction only to check
		// the recipient's premises with it, ClaimReturnRecipient the return
		// too; and the marker of a name a record stored before the markers
		// already has (backfillMarker), which changes no record, a
		// transaction only to check the record's name with it (as
		// RecountReturns's UpdateItem changes no record).
		if fn.recv != "" && !(fn.name == "createChunk" || fn.name == "ClaimRecipient" || fn.name == "ClaimReturnRecipient" || fn.name == "backfillMarker") {
			methods = append(methods, method{calls: calls, pos: src.pos(fn.node), name: auName(fn)})
		}
		if fn.name == "auditPut" {
			auCheckAuditPut(t, src, fn)
		}
		if fn.name == "listAudit" {
			auCheckListAudit(t, src, fn)
		}
		if fn.name == "list" && fn.recv != "" {
			auCheckReadOnly(t, src, fn)
		}
	}
	// audits: a method that builds an audit event itself or through a
	// helper of the store's (ImportOutcomes through submissionItems).
	builds := map[string]map[string]int{}
	for _, m := range methods {
		name := m.name[strings.LastIndex(m.name, ".")+1:]
		builds[name] = m.calls
	}
	var audits func(name string, seen map[string]bool) bool
	audits = func(name string, seen map[string]bool) bool {
		if name == "auditPut" {
			return true
		}
		if seen[name] {
			return false
		}
		seen[name] = true
		for callee := range builds[name] {
			if audits(callee, seen) {
				return true
			}
		}
		return false
	}
	for _, m := range methods {
		if m.calls["transact"] == 0 {
			continue
		}
		name := m.name[strings.LastIndex(m.name, ".")+1:]
		if !audits(name, map[string]bool{}) {
			t.Errorf("%s: %s writes a transaction without an audit event (no auditPut, itself or through a helper)", m.pos, m.name)
		}
	}
	if auditPuts != 1 {
		t.Errorf("found %d conditional Puts into the audit table, want exactly 1 (in auditPut)", auditPuts)
	}
	for _, must := range []string{"auditPut", "listAudit"} {
		if !seenUsers[must] {
			t.Errorf("%s does not use s.auditTable: the store changed shape; update this test", must)
		}
	}
	auCheckDBInterface(t, src)
}

// auditPut must return a TransactWriteItem that is only a Put.
func auCheckAuditPut(t *testing.T, src auSource, fn auFunc) {
	t.Helper()
	ast.Inspect(fn.node, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || types.ExprString(lit.Type) != "types.TransactWriteItem" {
			return true
		}
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				t.Errorf("%s: auditPut builds a TransactWriteItem positionally", src.pos(lit))
				continue
			}
			if k := types.ExprString(kv.Key); k != "Put" {
				t.Errorf("%s: auditPut's TransactWriteItem has %s; an audit event is only ever Put", src.pos(kv), k)
			}
		}
		return true
	})
}

// listAudit names the audit table only as the table of the query it
// lists with, and calls nothing on the store but list (which only reads).
func auCheckListAudit(t *testing.T, src auSource, fn auFunc) {
	t.Helper()
	named := 0
	ast.Inspect(fn.node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, r := range n.Rhs {
				if sel, ok := r.(*ast.SelectorExpr); ok && sel.Sel.Name == "auditTable" {
					if i >= len(n.Lhs) || !strings.HasSuffix(types.ExprString(n.Lhs[i]), ".table") {
						t.Errorf("%s: listAudit puts the audit table's name in %s; only a query's table may hold it", src.pos(n), types.ExprString(n.Lhs[0]))
					}
					named++
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == fn.recv && sel.Sel.Name != "list" {
				t.Errorf("%s: listAudit calls %s.%s; over the audit table it may only list", src.pos(n), x.Name, sel.Sel.Name)
			}
			if types.ExprString(sel.X) == fn.recv+".db" {
				t.Errorf("%s: listAudit calls the client itself; it may only list", src.pos(n))
			}
		}
		return true
	})
	if named != 1 {
		t.Errorf("%s: listAudit names the audit table as a query's table %d times, want 1", src.pos(fn.node), named)
	}
}

// list, used over the audit table, must only read.
func auCheckReadOnly(t *testing.T, src auSource, fn auFunc) {
	t.Helper()
	ast.Inspect(fn.node, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x := types.ExprString(sel.X); x == fn.recv+".db" && sel.Sel.Name != "Query" {
			t.Errorf("%s: list (which reads the audit table) calls %s", src.pos(call), sel.Sel.Name)
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == fn.recv && sel.Sel.Name != "list" && sel.Sel.Name != "db" {
			t.Errorf("%s: list (which reads the audit table) calls %s.%s", src.pos(call), x.Name, sel.Sel.Name)
		}
		return true
	})
}

// The DB interface is every way the store reaches DynamoDB; a new method
// (BatchWriteItem, ExecuteStatement, …) would be a write path this test
// does not check.
func auCheckDBInterface(t *testing.T, src auSource) {
	t.Helper()
	known := []string{"BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query", "TransactGetItems", "TransactWriteItems", "UpdateItem"}
	found := false
	for _, f := range src.files {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || ts.Name.Name != "DB" {
				return true
			}
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok {
				return true
			}
			found = true
			var got []string
			for _, m := range it.Methods.List {
				for _, name := range m.Names {
					got = append(got, name.Name)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, known) {
				t.Errorf("store.DB has methods %v, this test checks %v: extend it to the new ones", got, known)
			}
			return false
		})
	}
	if !found {
		t.Error("no store.DB interface found")
	}
}

func auName(fn auFunc) string {
	if fn.name == "" {
		return "a package-level declaration"
	}
	return fn.name
}

func auKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestAuditEventCannotBeOverwritten writes a change whose audit event has
// the id of an event already written (as a buggy caller might): the
// transaction fails as a whole, the change is not made, and the first event
// is as it was.
func TestAuditEventCannotBeOverwritten(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	st := store.New(db, table)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	admin := domain.Caller{Identity: domain.Identity{Subject: "sub-admin", Email: "admin@example.org", Groups: []string{domain.AdminGroup}}, RequestID: "req-1"}

	p := domain.Programme{ID: domain.NewID(), Name: "P", LeadOrganisation: "Trust", StartDate: domain.DateOf(now), EndDate: domain.DateOf(now.AddDate(1, 0, 0)), CreatedAt: now}
	if err := st.CreateProgramme(ctx, p, service.Change{Audit: domain.NewAuditEvent(admin, p.ID, domain.EntityProgramme, p.ID, domain.ActionCreate, nil, p, now)}); err != nil {
		t.Fatal(err)
	}
	f1 := domain.Funder{ID: domain.NewID(), Name: "DWP", Contacts: []string{"a@dwp.example.org"}, CreatedAt: now}
	ev := domain.NewAuditEvent(admin, p.ID, domain.EntityFunder, f1.ID, domain.ActionCreate, nil, f1, now)
	if err := st.CreateFunder(ctx, p.ID, f1, service.Change{Audit: ev}); err != nil {
		t.Fatal(err)
	}

	f2 := domain.Funder{ID: domain.NewID(), Name: "Impostor", Contacts: []string{"b@example.org"}, CreatedAt: now}
	forged := domain.NewAuditEvent(domain.Caller{Identity: domain.Identity{Subject: "x", Email: "mallory@example.org"}}, p.ID,
		domain.EntityFunder, f2.ID, domain.ActionCreate, nil, f2, now)
	forged.ID = ev.ID
	if err := st.CreateFunder(ctx, p.ID, f2, service.Change{Audit: forged}); err == nil {
		t.Fatal("a change whose audit event reuses an existing event's id was written")
	}
	if _, found := read[domain.Funder](t, st, p.ID, domain.Ref(domain.EntityFunder, f2.ID)); found {
		t.Error("the funder of the refused change was written")
	}

	evs, _, err := st.ListAudit(ctx, p.ID, service.AuditFilter{}, service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("audit trail holds %d events, want 2", len(evs))
	}
	got := evs[0]
	if got.ID != ev.ID || got.ActorEmail != "admin@example.org" || got.EntityID != f1.ID || got.Changes["name"].After != "DWP" {
		t.Errorf("the first event now reads %+v, want it unchanged", got)
	}
	hist, _, err := st.History(ctx, p.ID, domain.Ref(domain.EntityFunder, f2.ID), service.Page{})
	if err != nil || len(hist) != 0 {
		t.Errorf("history of the refused funder = %v, %v; want none", hist, err)
	}
}
