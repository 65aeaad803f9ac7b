// Package repairtest runs a repair command of infra/ as an operator would:
// built, then run against a table on DynamoDB Local.
package repairtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// Command builds the command in the test's folder (the package under
// test) and returns its binary and a runner. Each run is against table,
// and decodes what the command printed, if anything, into into; it
// returns what the command logged. A run that fails, or prints what is
// not JSON, fails the test.
func Command(t *testing.T, table string) (bin string, run func(into any, args ...string) (stderr string)) {
	t.Helper()
	name, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(t.TempDir(), filepath.Base(name))
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, func(into any, args ...string) string {
		t.Helper()
		out, stderr, code := Exit(t, bin, table, args...)
		if code != 0 {
			t.Fatalf("%s %v: exit status %d\n%s", filepath.Base(bin), args, code, stderr)
		}
		if len(out) > 0 {
			if err := json.Unmarshal(out, into); err != nil {
				t.Fatalf("%s %v printed %s: %v", filepath.Base(bin), args, out, err)
			}
		}
		return stderr
	}
}

// Exit runs bin, built by Command, against table as Command's runner
// does, whatever the outcome: it returns what the command printed and
// logged, and its exit status, for a run that is meant to fail.
func Exit(t *testing.T, bin, table string, args ...string) (stdout []byte, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "FUNDTRACK_TABLE="+table, "FUNDTRACK_DYNAMODB_ENDPOINT="+testenv.Endpoint(), "AWS_REGION="+testenv.Region)
	var errs strings.Builder
	cmd.Stderr = &errs
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s %v: %v", filepath.Base(bin), args, err)
	}
	return out, errs.String(), code
}

// RefusesBlankProgramme runs bin, built by Command, with each args, each
// naming an empty or blank programme: each must exit 2 with the flag's
// complaint and the command's usage, and print nothing that could pass
// for a clean programme's report.
func RefusesBlankProgramme(t *testing.T, bin, table string, args ...[]string) {
	t.Helper()
	name := filepath.Base(bin)
	for _, blank := range args {
		if out, stderr, code := Exit(t, bin, table, blank...); code != 2 || len(out) != 0 ||
			!strings.Contains(stderr, "for flag -programme: a programme's id is needed, not an empty or blank value") ||
			!strings.Contains(stderr, "usage: "+name+" [-n] -programme <id>") {
			t.Errorf("%s %q: exit status %d, printed %s\n%s\nwant 2 with the usage and nothing printed", name, blank, code, out, stderr)
		}
	}
}

// Reports decodes what a command printed: one JSON object a programme.
func Reports[T any](t *testing.T, stdout []byte) []T {
	t.Helper()
	var out []T
	for d := json.NewDecoder(bytes.NewReader(stdout)); ; {
		var r T
		if err := d.Decode(&r); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("the reports %s: %v", stdout, err)
		}
		out = append(out, r)
	}
}

// Lead is the caller whose audit events the command tests' fixtures carry.
var Lead = domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}

// Change is a fixture write's audit event, by Lead, now.
func Change(programmeID string, e domain.Entity, id string, a domain.Action, before, after any) service.Change {
	return service.Change{Audit: domain.NewAuditEvent(Lead, programmeID, e, id, a, before, after, time.Now())}
}

// World is what every command test starts from: a table of its own on
// DynamoDB Local holding one programme, Working for Wellness (2025 to 2027).
type World struct {
	DB        *dynamodb.Client
	Table     string
	Store     *store.Store
	Programme domain.Programme
}

// NewWorld makes a World.
func NewWorld(t *testing.T) World {
	t.Helper()
	db, table := testenv.Table(t)
	w := World{DB: db, Table: table, Store: store.New(db, table),
		Programme: domain.Programme{ID: domain.NewID(), Name: "Working for Wellness", LeadOrganisation: "LPT",
			StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2027-12-31"), CreatedAt: time.Now().UTC()}}
	p := w.Programme
	if err := w.Store.CreateProgramme(context.Background(), p, Change(p.ID, domain.EntityProgramme, p.ID, domain.ActionCreate, nil, p)); err != nil {
		t.Fatal(err)
	}
	return w
}
