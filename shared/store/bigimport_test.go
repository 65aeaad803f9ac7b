package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// bigImportFile is a CSV of every metric for each project and month from
// January 2020, its figures drawn from seed, with notes when notes is set.
func bigImportFile(projects []string, months, seed int, notes string) []byte {
	var b strings.Builder
	b.WriteString("Project,Period start,Period end,Notes")
	for _, m := range domain.Metrics {
		b.WriteString("," + string(m))
	}
	b.WriteString("\r\n")
	for j, p := range projects {
		for m := range months {
			start := time.Date(2020, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
			fmt.Fprintf(&b, "%s,%s,%s,%s", p, start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly), notes)
			counts := map[domain.Metric]int{}
			for i, metric := range domain.Metrics {
				counts[metric] = 10_000 + (seed*7919+j*104_729+m*31+i*17)%90_000
			}
			// Everyone into work for the first time is a job start too.
			if pi, js := counts[domain.MetricPeopleIntoWork], counts[domain.MetricJobStarts]; pi > js {
				counts[domain.MetricPeopleIntoWork], counts[domain.MetricJobStarts] = js, pi
			}
			for _, metric := range domain.Metrics {
				fmt.Fprintf(&b, ",%d", counts[metric])
			}
			b.WriteString("\r\n")
		}
	}
	return []byte(b.String())
}

// TestImportAnswerPastTheItemLimit: over DynamoDB Local, an import whose
// answer is larger than an item may be (400 KB) is answered, and its
// repeats get that answer back. Each of its rows corrects figures sent
// before, so the answer says, row by row, what changes, whom the figures
// it replaces were sent by (here a 254-character address, the longest an
// email may be) and when: 450 rows make 417 KB of it (a row is some 930
// bytes; each row more costs five imports' worth of CPU, so no more rows
// than pass the limit with a margin). Before answers were
// kept compressed, and in parts past 64 kB, the API's import with an
// Idempotency-Key stored every row and then failed to save its answer (a
// 503 for an import that happened, and its retries told "in progress",
// then "applied, but its answer was lost"), its dry run answered 503 and
// held its key, and the web app's confirmation failed its last
// transaction after storing every row but those: a 500, and confirming
// again answered a result the preview never showed. The SPEC's 5,000
// rows are held to the item limit in TestSavedAnswerItemsStayUnderTheLimit
// (shared/store), without importing them.
func TestImportAnswerPastTheItemLimit(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2037-01-05T09:00:00Z"))
	b := s.Build(t)
	p := b.Programme(testkit.Merge(testkit.ProgrammeBody("Working for Wellness"), map[string]any{"startDate": "2020-01-01", "endDate": "2036-12-31"}))
	var names []string
	for i := range 6 {
		name := fmt.Sprintf("%s %d", strings.Repeat("Individual placement and support in the community ", 3), i)
		b.Project(p.ID, testkit.Merge(testkit.ProjectBody(name), map[string]any{"startDate": "2020-01-01", "endDate": "2036-12-31"}))
		names = append(names, name)
	}
	const months = 75 // 450 rows
	// The longest address an email may have.
	email := strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 62)+".", 2) + strings.Repeat("c", 59) + ".org"
	if len(email) != 254 {
		t.Fatalf("an address of %d characters", len(email))
	}
	caller := testkit.Caller(email, domain.AdminGroup)
	ctx := context.Background()
	open := func() *service.Scope { return s.Svc.Open(ctx, caller, p.ID) }
	csv := func(seed int, notes string) service.ImportFile {
		return service.ImportFile{MediaType: domain.MediaCSV, Data: bigImportFile(names, months, seed, notes)}
	}
	if res, err := open().Import(csv(1, ""), false); err != nil || res.Created != len(names)*months {
		t.Fatalf("the figures to correct: %+v %v", res.Created, err)
	}

	// The API: a request with an Idempotency-Key, as httpapi's idempotent
	// serves it (a claim, the import under it, then its answer saved), and
	// the same request again.
	idem := s.Svc.Idempotency()
	api := func(key string, file service.ImportFile, dryRun bool) (first, again []byte) {
		t.Helper()
		hash := service.RequestHash("POST", fmt.Sprintf("/programmes/%s/imports?dryRun=%t", p.ID, dryRun), file.Data)
		claim := service.ClaimFor(caller, key)
		if saved, err := idem.Begin(ctx, claim, hash, s.Clock.Now(), 30*time.Second); saved != nil || err != nil {
			t.Fatalf("claim %q: %v %v", key, saved, err)
		}
		res, err := open().WithClaim(&claim).Import(file, dryRun)
		if err != nil || res.Corrected != len(names)*months {
			t.Fatalf("import (dry run %t): %d corrected, %v", dryRun, res.Corrected, err)
		}
		if first, err = json.Marshal(res); err != nil {
			t.Fatal(err)
		}
		if err := idem.Complete(ctx, claim, service.SavedAnswer{Status: 200, Body: first}); err != nil {
			t.Fatalf("saving the answer of %d bytes (dry run %t): %v", len(first), dryRun, err)
		}
		s.Clock.Add(time.Second)
		saved, err := idem.Begin(ctx, service.ClaimFor(caller, key), hash, s.Clock.Now(), 30*time.Second)
		if err != nil || saved == nil {
			t.Fatalf("the request again (dry run %t): %v %v", dryRun, saved, err)
		}
		return first, saved.Body
	}
	first, again := api("q3 figures checked", csv(2, "changed"), true)
	if len(first) <= 400<<10 {
		t.Fatalf("the answer is %d bytes: not past the item limit", len(first))
	}
	t.Logf("%d rows corrected: an answer of %d bytes", len(names)*months, len(first))
	if !bytes.Equal(again, first) {
		t.Errorf("the dry run's repeat answered %d bytes, not its %d", len(again), len(first))
	}
	first, again = api("q3 figures", csv(2, "changed"), false)
	if !bytes.Equal(again, first) {
		t.Errorf("the import's repeat answered %d bytes, not its %d", len(again), len(first))
	}

	// The web app: a preview, its confirmation (its answer saved with its
	// last rows), and the confirmation again.
	preview, id, err := open().PreviewImport(csv(3, ""), "figures.csv")
	if err != nil || id == "" || preview.Corrected != len(names)*months {
		t.Fatalf("the preview: %d corrected, %q, %v", preview.Corrected, id, err)
	}
	_, confirmed, err := open().ConfirmImport(id)
	if err != nil || confirmed.Corrected != len(names)*months {
		var de *domain.Error
		errors.As(err, &de)
		t.Fatalf("the confirmation: %d corrected, %v (%+v)", confirmed.Corrected, err, de)
	}
	_, repeat, err := open().ConfirmImport(id)
	if err != nil {
		t.Fatalf("the confirmation again: %v", err)
	}
	// As the API would answer each: the rows' project names, kept for
	// the preview's page, are no part of a saved answer.
	g, _ := json.Marshal(repeat)
	w, _ := json.Marshal(confirmed)
	if !bytes.Equal(g, w) {
		t.Errorf("the confirmation again answered %d corrected and %d unchanged, not the first's %d corrected",
			repeat.Corrected, repeat.Unchanged, confirmed.Corrected)
	}
}
