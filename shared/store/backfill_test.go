package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// bfHookDB counts the back-fill's transactions (a Put of a name marker
// and a ConditionCheck, nothing else) and runs before[prefix] once, before
// sending the first whose marker's sort key begins with prefix.
type bfHookDB struct {
	store.DB
	mu     sync.Mutex
	before map[string]func()
	sent   int
}

func (d *bfHookDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	var f func()
	if it := in.TransactItems; len(it) == 2 && it[0].Put != nil && it[1].ConditionCheck != nil {
		sk := it[0].Put.Item["SK"].(*types.AttributeValueMemberS).Value
		d.mu.Lock()
		d.sent++
		for prefix, g := range d.before {
			if strings.HasPrefix(sk, prefix) {
				f = g
				delete(d.before, prefix)
			}
		}
		d.mu.Unlock()
	}
	if f != nil {
		f()
	}
	return d.DB.TransactWriteItems(ctx, in, opts...)
}

func (d *bfHookDB) transactions() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sent
}

// bfWorld is a programme's projects and funders written as the service
// writes them, and as the code before the name markers left them.
type bfWorld struct {
	*ct
	s   *store.Store
	db  store.DB
	pid string
}

func newBFWorld(t *testing.T) (*bfWorld, *bfHookDB) {
	db, table := testenv.Table(t)
	hook := &bfHookDB{DB: db, before: map[string]func(){}}
	st := store.New(hook, table)
	c := &ct{T: t, st: st, ctx: context.Background(), who: domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}}
	return &bfWorld{ct: c, s: st, db: db, pid: c.programme().ID}, hook
}

func (w *bfWorld) project(name string) (domain.Project, error) {
	pr := w.newProject(name)
	pr.Version = 1
	return pr, w.st.CreateProject(w.ctx, w.pid, pr, nil, w.change(w.pid, domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr))
}

func (w *bfWorld) funder(name string) (domain.Funder, error) {
	f := domain.Funder{ID: domain.NewID(), Name: name, Contacts: []string{"grants@example.org"}, Version: 1, CreatedAt: time.Now().UTC()}
	return f, w.st.CreateFunder(w.ctx, w.pid, f, w.change(w.pid, domain.EntityFunder, f.ID, domain.ActionCreate, nil, f))
}

// unmark deletes the marker of a name, as a record stored before the
// markers has none.
func (w *bfWorld) unmark(k map[string]types.AttributeValue) {
	w.Helper()
	if _, err := w.db.DeleteItem(w.ctx, &dynamodb.DeleteItemInput{TableName: aws.String(w.s.Table()), Key: k}); err != nil {
		w.Fatal(err)
	}
}

func (w *bfWorld) oldProject(name string) domain.Project {
	w.Helper()
	pr, err := w.project(name)
	w.ok(err)
	w.unmark(store.ProjectNameKey(w.pid, name))
	return pr
}

func (w *bfWorld) oldFunder(name string) domain.Funder {
	w.Helper()
	f, err := w.funder(name)
	w.ok(err)
	w.unmark(store.FunderNameKey(w.pid, name))
	return f
}

// holder is the id of the record holding the marker k, "" if none.
func (w *bfWorld) holder(k map[string]types.AttributeValue) string {
	w.Helper()
	out, err := w.db.GetItem(w.ctx, &dynamodb.GetItemInput{TableName: aws.String(w.s.Table()), Key: k, ConsistentRead: aws.Bool(true)})
	w.ok(err)
	for _, a := range []string{"projectId", "funderId"} {
		if v, ok := out.Item[a].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
	}
	return ""
}

func (w *bfWorld) taken(err error, what string) {
	w.Helper()
	var taken *service.NameTakenError
	if !errors.As(err, &taken) {
		w.Errorf("%s: %v, want *service.NameTakenError", what, err)
	}
}

// bfClashes are the ids of each clash's records, sorted, with the holder
// of the marker starred.
func bfClashes(cs []store.NameClash) [][]string {
	out := [][]string{}
	for _, c := range cs {
		var ids []string
		for _, r := range c.Records {
			id := r.ID
			if r.Marked {
				id += "*"
			}
			ids = append(ids, id)
		}
		slices.Sort(ids)
		out = append(out, ids)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

func bfClashesOf(ids ...[]string) [][]string {
	out := [][]string{}
	for _, c := range ids {
		c = slices.Clone(c)
		slices.Sort(c)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

func bfMarked(rs []store.NameRecord) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, string(r.Entity)+" "+r.Name)
	}
	slices.Sort(out)
	return out
}

// TestBackfillNameMarkers: projects and funders stored before the name
// markers (their markers deleted here) are given the marker of their
// name, so a new one of that name is refused; records that share a name
// already (both old, or one old and one made since) get none and are
// reported, until one is renamed; asked only to look it writes nothing;
// run again it writes nothing.
func TestBackfillNameMarkers(t *testing.T) {
	t.Parallel()
	w, hook := newBFWorld(t)
	derby := w.oldProject("Derby Pathways")
	leeds, err := w.project("Leeds IPS") // made since: marked
	w.ok(err)
	york1, york2 := w.oldProject("York Works"), w.oldProject("york  WORKS")
	hull := w.oldProject("Hull Futures")
	hull2, err := w.project("HULL futures") // made since, taking an old one's name
	w.ok(err)
	dwp := w.oldFunder("DWP")
	dh1, dh2 := w.oldFunder("Department of Health"), w.oldFunder("department of health")
	nhs := w.oldFunder("Derby Pathways") // a funder may share a project's name
	clashes := bfClashesOf([]string{york1.ID, york2.ID}, []string{hull.ID, hull2.ID + "*"}, []string{dh1.ID, dh2.ID})

	// Asked only to look: what it would mark and the clashes, nothing written.
	would, err := w.s.BackfillNameMarkers(w.ctx, w.pid, false)
	w.ok(err)
	wantMarked := []string{"funder DWP", "funder Derby Pathways", "project Derby Pathways"}
	if got := bfMarked(would.Marked); !reflect.DeepEqual(got, wantMarked) {
		t.Errorf("a dry run would mark %v, want %v", got, wantMarked)
	}
	if got := bfClashes(would.Clashes); !reflect.DeepEqual(got, clashes) {
		t.Errorf("a dry run's clashes: %v, want %v", got, clashes)
	}
	if n := hook.transactions(); n != 0 || w.holder(store.ProjectNameKey(w.pid, "Derby Pathways")) != "" {
		t.Fatalf("a dry run wrote (%d transactions)", n)
	}

	did, err := w.s.BackfillNameMarkers(w.ctx, w.pid, true)
	w.ok(err)
	if got := bfMarked(did.Marked); !reflect.DeepEqual(got, wantMarked) {
		t.Errorf("marked %v, want %v", got, wantMarked)
	}
	if got := bfClashes(did.Clashes); !reflect.DeepEqual(got, clashes) {
		t.Errorf("clashes: %v, want %v", got, clashes)
	}
	for k, want := range map[string]string{
		"Derby Pathways": derby.ID, "Leeds IPS": leeds.ID, "York Works": "", "Hull Futures": hull2.ID,
	} {
		if got := w.holder(store.ProjectNameKey(w.pid, k)); got != want {
			t.Errorf("the marker of project %q is held by %q, want %q", k, got, want)
		}
	}
	for k, want := range map[string]string{"DWP": dwp.ID, "Department of Health": "", "Derby Pathways": nhs.ID} {
		if got := w.holder(store.FunderNameKey(w.pid, k)); got != want {
			t.Errorf("the marker of funder %q is held by %q, want %q", k, got, want)
		}
	}
	// A new project or funder can no longer take an old one's name.
	_, err = w.project(" derby  PATHWAYS")
	w.taken(err, "a new project named as an old one")
	_, err = w.funder("dwp")
	w.taken(err, "a new funder named as an old one")

	// Again: nothing to write, the same clashes.
	before := hook.transactions()
	again, err := w.s.BackfillNameMarkers(w.ctx, w.pid, true)
	w.ok(err)
	if n := hook.transactions() - before; n != 0 || len(again.Marked) != 0 {
		t.Errorf("a second back-fill sent %d transactions, marked %+v; want none", n, again.Marked)
	}
	if got := bfClashes(again.Clashes); !reflect.DeepEqual(got, clashes) {
		t.Errorf("a second back-fill's clashes: %v, want %v", got, clashes)
	}

	// One of a clash renamed (it takes its new name's marker), the next
	// back-fill marks the other.
	after := york2
	after.Name, after.Version = "York Works North", 2
	w.ok(w.st.UpdateProject(w.ctx, w.pid, york2, after, nil, w.change(w.pid, domain.EntityProject, after.ID, domain.ActionChange, york2, after)))
	then, err := w.s.BackfillNameMarkers(w.ctx, w.pid, true)
	w.ok(err)
	if got := bfMarked(then.Marked); !reflect.DeepEqual(got, []string{"project York Works"}) {
		t.Errorf("after a rename, marked %v, want York Works", got)
	}
	if got := w.holder(store.ProjectNameKey(w.pid, "York Works")); got != york1.ID {
		t.Errorf("the marker of York Works is held by %q, want %q", got, york1.ID)
	}
}

// TestBackfillNameMarkersBesideRenames: a project and a funder renamed
// after the back-fill read them and before its transaction (injected
// just before it is sent) are left no marker of the name they had: the
// back-fill's condition on the name read fails, it reads again and finds
// the record holding its new name. The old name is free for another.
func TestBackfillNameMarkersBesideRenames(t *testing.T) {
	t.Parallel()
	w, hook := newBFWorld(t)
	derby := w.oldProject("Derby Pathways")
	dwp := w.oldFunder("DWP")
	hook.mu.Lock()
	hook.before["PNAME#"] = func() {
		after := derby
		after.Name, after.Version = "Derby Futures", 2
		w.ok(w.st.UpdateProject(w.ctx, w.pid, derby, after, nil, w.change(w.pid, domain.EntityProject, after.ID, domain.ActionChange, derby, after)))
	}
	hook.before["FNAME#"] = func() {
		after := dwp
		after.Name, after.Version = "DWP Jobs", 2
		w.ok(w.st.UpdateFunder(w.ctx, w.pid, dwp, after, w.change(w.pid, domain.EntityFunder, after.ID, domain.ActionChange, dwp, after)))
	}
	hook.mu.Unlock()
	did, err := w.s.BackfillNameMarkers(w.ctx, w.pid, true)
	w.ok(err)
	if len(did.Marked) != 0 || len(did.Clashes) != 0 {
		t.Errorf("back-fill beside renames: %+v, want nothing marked (the renames marked them)", did)
	}
	if len(hook.before) != 0 {
		t.Fatal("the renames were not injected")
	}
	for _, k := range []struct {
		what string
		key  map[string]types.AttributeValue
		want string
	}{
		{"project Derby Pathways", store.ProjectNameKey(w.pid, "Derby Pathways"), ""},
		{"project Derby Futures", store.ProjectNameKey(w.pid, "Derby Futures"), derby.ID},
		{"funder DWP", store.FunderNameKey(w.pid, "DWP"), ""},
		{"funder DWP Jobs", store.FunderNameKey(w.pid, "DWP Jobs"), dwp.ID},
	} {
		if got := w.holder(k.key); got != k.want {
			t.Errorf("the marker of %s is held by %q, want %q", k.what, got, k.want)
		}
	}
	if _, err := w.project("Derby Pathways"); err != nil {
		t.Errorf("a new project taking the name the old one let go: %v", err)
	}
	if _, err := w.funder("dwp"); err != nil {
		t.Errorf("a new funder taking the name the old one let go: %v", err)
	}
}
