package store_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ctAnswerJSON is n rows of an import's answer as its corrections say
// them: field names repeated row after row, figures and ids that differ.
func ctAnswerJSON(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	var b strings.Builder
	b.WriteString(`{"rows":` + fmt.Sprint(n) + `,"corrections":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"row":%d,"corrects":"%s","sentAt":"2030-0%d-1%dT09:%02d:%02d.%09dZ","sentBy":"first.last-%d@employment-support.example.gov.uk","counts":[`,
			i+2, domain.NewID(), 1+r.IntN(9), r.IntN(10), r.IntN(60), r.IntN(60), r.IntN(1e9), i%50)
		for j, m := range domain.Metrics {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"metric":%q,"from":%d,"to":%d,"blank":false}`, m, r.IntN(domain.MaxCount), r.IntN(domain.MaxCount))
		}
		b.WriteString(`],"notes":"changed","sentBack":false}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// Sizes of answers that do not compress, kept in two parts and in three
// (parts of 350 kB, the last one partial).
const (
	ctTwoParts   = 350<<10 + 50_000
	ctThreeParts = 2*350<<10 + 50_000
)

// ctNoise is n bytes that do not compress.
func ctNoise(n int, seed uint64) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed)})
	b := make([]byte, n)
	r.Read(b)
	return b
}

// ctLargeAnswers: an answer of any size a request can make is saved and
// given back whole, byte for byte. An import's answer says what each
// corrected row changes: 5,000 such rows are about 4 MB of JSON, ten times
// DynamoDB's 400 KB item limit, and an answer that could not be saved
// after its rows were (a 503 for an import that happened, and repeats
// told "in progress", then "applied, answer lost") broke the
// Idempotency-Key's contract. Saved after the change (CompleteIdempotent,
// as the API saves every answer) and with an import's last rows
// (ImportOutcomes, the web app's confirmation); JSON, and bytes that do not
// compress; and a claim taken over, whose own answer never reaches the
// key's record, leaves the holder's answer whole. The bytes that do not
// compress are just past the parts each case needs (parts of 350 kB, the
// last one partial: three parts from 700 kB, two from 350 kB), not
// megabytes: under the race detector every byte sent to DynamoDB Local
// and read back costs CPU, and a larger answer is only more of the same
// parts (the SPEC's largest is held to the item limit by
// TestSavedAnswerItemsStayUnderTheLimit).
func ctLargeAnswers(c *ct) {
	now := time.Now()
	begin := func(cl service.Claim, hash string) (*service.SavedAnswer, error) {
		return c.st.BeginIdempotent(c.ctx, cl, hash, now, time.Minute)
	}
	same := func(what string, got *service.SavedAnswer, want service.SavedAnswer) {
		c.Helper()
		switch {
		case got == nil:
			c.Errorf("%s: no answer", what)
		case got.Status != want.Status || fmt.Sprint(got.Headers) != fmt.Sprint(want.Headers):
			c.Errorf("%s: %d %v, want %d %v", what, got.Status, got.Headers, want.Status, want.Headers)
		case !bytes.Equal(got.Body, want.Body):
			c.Errorf("%s: a body of %d bytes, want the %d saved", what, len(got.Body), len(want.Body))
		}
	}
	for i, body := range [][]byte{
		[]byte(`{"id":"x"}`), ctAnswerJSON(20), ctAnswerJSON(1500), ctNoise(ctThreeParts, 1), {},
	} {
		cl := service.Claim{Scope: "sub", Key: fmt.Sprint("api ", i), ID: domain.NewID()}
		if saved, err := begin(cl, "h"); saved != nil || err != nil {
			c.Fatalf("claim %d: %v %v", i, saved, err)
		}
		answer := service.SavedAnswer{Status: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: body}
		if err := c.st.CompleteIdempotent(c.ctx, cl, answer); err != nil {
			c.Fatalf("saving an answer of %d bytes: %v", len(body), err)
		}
		saved, err := begin(service.Claim{Scope: "sub", Key: cl.Key, ID: domain.NewID()}, "h")
		c.ok(err)
		same(fmt.Sprintf("a repeat of the request answered %d bytes", len(body)), saved, answer)
		saved, err = begin(service.Claim{Scope: "sub", Key: cl.Key, ID: domain.NewID()}, "other")
		ctIs(c, "another request with the key", err, service.ErrKeyReused)
		same("the answer told with the refusal", saved, answer)
	}

	// A claim taken over saves nothing: the holder's answer is the key's.
	lost := service.Claim{Scope: "sub", Key: "taken", ID: domain.NewID()}
	c.ok(ignore(c.st.BeginIdempotent(c.ctx, lost, "h", now, time.Millisecond)))
	holder := service.Claim{Scope: "sub", Key: "taken", ID: domain.NewID()}
	c.ok(ignore(c.st.BeginIdempotent(c.ctx, holder, "h", now.Add(time.Second), time.Minute)))
	mine := service.SavedAnswer{Status: 200, Body: ctNoise(ctTwoParts, 2)}
	c.ok(c.st.CompleteIdempotent(c.ctx, holder, mine))
	ctIs(c, "saving under a claim taken over", c.st.CompleteIdempotent(c.ctx, lost, service.SavedAnswer{Status: 200, Body: ctNoise(ctThreeParts, 3)}),
		service.ErrClaimTaken)
	saved, err := c.st.BeginIdempotent(c.ctx, service.Claim{Scope: "sub", Key: "taken", ID: domain.NewID()}, "h", now.Add(time.Second), time.Minute)
	c.ok(err)
	same("the holder's answer, after another claimant's was refused", saved, mine)

	// With an import's last rows.
	p := c.programme()
	a := c.project(p.ID)
	c.ok(c.st.LockImports(c.ctx, p.ID, "lock", now, time.Minute))
	for i, body := range [][]byte{ctAnswerJSON(1500), ctNoise(ctThreeParts, 4)} {
		claim := service.Claim{Scope: "sub", Key: fmt.Sprint("confirm ", i), ID: domain.NewID()}
		if saved, err := begin(claim, "h"); saved != nil || err != nil {
			c.Fatal(saved, err)
		}
		answer := service.SavedAnswer{Status: 200, Body: body}
		b := c.importBatch(p.ID, "lock", []domain.Outcome{
			ctOutcome(a.ID, "", fmt.Sprintf("2025-%02d-28", 2+2*i), map[domain.Metric]int64{domain.MetricReferrals: 4}),
			ctOutcome(a.ID, "", fmt.Sprintf("2025-%02d-31", 3+2*i), map[domain.Metric]int64{domain.MetricReferrals: 5})}, nil)
		b.Claim, b.Answer = &claim, &answer
		if n, err := c.st.ImportOutcomes(c.ctx, p.ID, b); n != 2 || err != nil {
			c.Fatalf("an import's rows with an answer of %d bytes: %d written, %v", len(body), n, err)
		}
		saved, err := begin(service.Claim{Scope: "sub", Key: claim.Key, ID: domain.NewID()}, "h")
		c.ok(err)
		same(fmt.Sprintf("a repeat of the confirmation answered %d bytes", len(body)), saved, answer)
	}
}
