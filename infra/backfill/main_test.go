package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/infra/internal/repair"
	"github.com/fundtrack/fundtrack/infra/internal/repair/repairtest"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// TestBackfillCommand runs the command over a table on DynamoDB Local
// holding a project stored before the name markers and two that share a
// name: -n writes nothing; then it marks the first and prints the clash;
// over every programme, again, it marks nothing.
func TestBackfillCommand(t *testing.T) {
	t.Parallel()
	w := repairtest.NewWorld(t)
	db, table, st, p := w.DB, w.Table, w.Store, w.Programme
	ctx := context.Background()
	change := func(pid string, e domain.Entity, id string, v any) service.Change {
		return repairtest.Change(pid, e, id, domain.ActionCreate, nil, v)
	}
	project := func(name string) (domain.Project, error) {
		pr := domain.Project{ID: domain.NewID(), Name: name, LeadOrganisation: "BDCFT", StartDate: domain.MustDate("2025-01-01"),
			EndDate: domain.MustDate("2026-12-31"), Version: 1, CreatedAt: time.Now().UTC()}
		return pr, st.CreateProject(ctx, p.ID, pr, nil, change(p.ID, domain.EntityProject, pr.ID, pr))
	}
	for _, name := range []string{"Derby Pathways", "York Works", "YORK works"} {
		if _, err := project(name); err != nil {
			t.Fatal(err)
		}
		// As stored before the markers.
		if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: nameKey(p.ID, name)}); err != nil {
			t.Fatal(err)
		}
	}

	bin, command := repairtest.Command(t, table)
	type report struct {
		ProgrammeID string             `json:"programmeId"`
		DryRun      bool               `json:"dryRun"`
		Marked      []store.NameRecord `json:"marked"`
		Clashes     []store.NameClash  `json:"clashes"`
	}
	run := func(args ...string) (report, string) {
		t.Helper()
		var r report
		stderr := command(&r, args...)
		return r, stderr
	}
	names := func(rs []store.NameRecord) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}

	marker := func(name string) bool {
		t.Helper()
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: nameKey(p.ID, name), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Item != nil
	}

	would, _ := run("-n", "-programme", p.ID)
	if !would.DryRun || strings.Join(names(would.Marked), ",") != "Derby Pathways" || len(would.Clashes) != 1 || marker("Derby Pathways") {
		t.Errorf("-n: %+v, want Derby Pathways to mark (and not marked) and one clash", would)
	}
	did, stderr := run("-programme", p.ID)
	if strings.Join(names(did.Marked), ",") != "Derby Pathways" || len(did.Clashes) != 1 || !marker("Derby Pathways") || marker("York Works") {
		t.Errorf("the back-fill: %+v, want Derby Pathways marked and the York Works clash left", did)
	}
	if !strings.Contains(stderr, `"York Works" (`) || !strings.Contains(stderr, "share a name: rename all but one") {
		t.Errorf("the clash is not told a person: %s", stderr)
	}
	var taken *service.NameTakenError
	if _, err := project("derby  PATHWAYS"); !errors.As(err, &taken) {
		t.Errorf("a new project named as the old one: %v, want *service.NameTakenError", err)
	}
	// A programme named is looked for: an id one letter off is reported
	// as no programme, the run fails; an empty one is the usage.
	typo := p.ID[:len(p.ID)-1] + "X"
	out, stderr, code := repairtest.Exit(t, bin, table, "-n", "-programme", typo)
	type failed struct {
		report
		Error string `json:"error"`
	}
	if reports := repairtest.Reports[failed](t, out); code != 1 || len(reports) != 1 || reports[0].ProgrammeID != typo ||
		reports[0].Error != repair.ErrNoProgramme.Error() || reports[0].Marked != nil {
		t.Errorf("a mistyped id: exit status %d, printed %s\n%s\nwant 1, reported as no programme", code, out, stderr)
	}
	if out, stderr, code := repairtest.Exit(t, bin, table, "-programme="); code != 2 || len(out) != 0 ||
		!strings.Contains(stderr, "for flag -programme: a programme's id is needed") || !strings.Contains(stderr, "usage: backfill") {
		t.Errorf("an empty id: exit status %d, printed %s\n%s\nwant 2 with the usage", code, out, stderr)
	}
	// Every programme: nothing more to mark, only the clash again.
	again, stderr := run()
	if again.ProgrammeID != p.ID || len(again.Marked) != 0 || len(again.Clashes) != 1 || !strings.Contains(stderr, "marked 0 names, 1 clashes") {
		t.Errorf("again over every programme: %+v\n%s", again, stderr)
	}
}

// nameKey is the key of the marker of a project's name (docs/dynamodb.md,
// "Items"), deleted here as a project stored before the markers has none.
func nameKey(programmeID, name string) map[string]types.AttributeValue {
	sum := sha256.Sum256([]byte(domain.ProjectNameKey(name)))
	return map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "PROG#" + programmeID},
		"SK": &types.AttributeValueMemberS{Value: "PNAME#" + hex.EncodeToString(sum[:])}}
}
