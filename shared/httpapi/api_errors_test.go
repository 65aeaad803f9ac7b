package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// serverErrorRequests are requests that reach the database, each way it is
// reached: a read, a list, a transaction, an idempotency claim.
func serverErrorRequests() []testkit.Req {
	pid := domain.NewID()
	return []testkit.Req{
		{Method: "GET", Path: "/programmes", As: uAdmin},
		{Method: "GET", Path: "/programmes/" + pid, As: uLead},
		{Method: "GET", Path: "/programmes/" + pid + "/grants", As: uLead},
		{Method: "POST", Path: "/programmes", As: uAdmin, Body: testkit.ProgrammeBody("P")},
		{Method: "POST", Path: "/programmes", As: uAdmin, Body: testkit.ProgrammeBody("P"), Header: map[string]string{"Idempotency-Key": "k-500"}},
		{Method: "PATCH", Path: "/programmes/" + pid + "/grants/" + domain.NewID(), As: uAdmin, Body: `{"title":"x"}`, Header: map[string]string{"If-Match": `"1"`}},
	}
}

// checkServerError checks a 5xx names only the request id (the one in
// X-Request-Id), not the table, and that the details went to the log instead.
func checkServerError(t *testing.T, h *apiH, table string, req testkit.Req, status int, code, message string, logged ...string) {
	t.Helper()
	r := h.Do(t, req)
	e := testkit.WantErr(t, r, status, code)
	id := r.Header.Get("X-Request-Id")
	if id == "" {
		t.Fatalf("%s %s: no X-Request-Id", req.Method, req.Path)
	}
	if want := strings.ReplaceAll(message, "ID", id); e.Message != want {
		t.Fatalf("%s %s: message %q, want %q", req.Method, req.Path, e.Message, want)
	}
	if len(e.Fields) != 0 {
		t.Fatalf("%d names fields: %v", status, e.Fields)
	}
	for _, leak := range []string{table, "127.0.0.1", "dial", "connection refused", "exception", "Exception", "error:"} {
		if strings.Contains(string(r.Body), leak) {
			t.Fatalf("%s %s: body leaks %q: %s", req.Method, req.Path, leak, r.Body)
		}
	}
	// The details are in the log, under the same request id.
	var line string
	for _, l := range strings.Split(h.Logs.String(), "\n") {
		if strings.Contains(l, id) {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no log line names request %s:\n%s", id, h.Logs.String())
	}
	for _, want := range logged {
		if !strings.Contains(line, want) {
			t.Fatalf("log line for %s lacks %q: %s", id, want, line)
		}
	}
}

// TestAPIInternalError: a failure that is nobody's fault but ours (here
// DynamoDB refuses every request as malformed, as it would a bug of ours)
// answers 500 internal naming only the request id.
func TestAPIInternalError(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newAPIOver(t, faultDB{DB: s.DB, fail: func(op string) error {
		return &smithy.GenericAPIError{Code: "ValidationException", Message: "One or more parameter values were invalid"}
	}}, s.Table)
	for _, req := range serverErrorRequests() {
		checkServerError(t, h, s.Table, req, http.StatusInternalServerError, "internal",
			"something went wrong on our side; quote request id ID", "ValidationException")
	}
	// Nothing was claimed for good: the same key gives the same 500, not a replay.
	r := h.Do(t, serverErrorRequests()[4])
	if r.Status != 500 || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("retry of a failed idempotent request: %s %v", r, r.Header)
	}
}

// TestAPIDatabaseUnreachable: with DynamoDB unreachable every request that
// needs it answers 503 service_unavailable with Retry-After.
func TestAPIDatabaseUnreachable(t *testing.T) {
	t.Parallel()
	db := dynamodb.New(dynamodb.Options{
		Region: testenv.Region, BaseEndpoint: aws.String("http://127.0.0.1:1"),
		Credentials: testenv.Credentials, RetryMaxAttempts: 1,
	})
	h := newAPIOver(t, db, "fundtrack")
	for _, req := range serverErrorRequests() {
		checkServerError(t, h, "fundtrack", req, http.StatusServiceUnavailable, "service_unavailable",
			"the service is briefly unavailable; try again (request id ID)", "status=503")
		r := h.Do(t, req)
		if r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s %s: 503 without Retry-After", req.Method, req.Path)
		}
	}
	// Health says so; auth still comes first.
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: "/health"}), 503, "service_unavailable")
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: "/programmes"}), 401, "unauthenticated")
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: "/programmes", As: uAdmin, Body: `{"name":1}`,
		Header: map[string]string{"Content-Type": "text/plain"}}), 415, "unsupported_media_type")
}
