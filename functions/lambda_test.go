// Package functions_test feeds the sample events in events/ through the same
// path a deployed API function takes: the aws-lambda-go handler that
// lambda.Start would run, the platform.LambdaHandler proxy, the handler each
// functions/<name>/main.go builds and a real (DynamoDB Local) table.
package functions_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// eventsDir is the repository's events/ folder, seen from functions/.
const eventsDir = "../events"

var placeholder = regexp.MustCompile(`\{\{[A-Za-z]+\}\}`)

// loadEvent reads events/<name> and fills its {{placeholders}} from vars.
// Every placeholder must be filled: an event still holding one would reach
// the handler with an id that could never exist.
func loadEvent(t *testing.T, name string, vars map[string]string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	out := placeholder.ReplaceAllStringFunc(string(raw), func(p string) string {
		v, ok := vars[strings.Trim(p, "{}")]
		if !ok {
			t.Fatalf("%s: no value for %s", name, p)
		}
		return v
	})
	return []byte(out)
}

// gatewayEvent decodes an event strictly, so a misspelt field name in a
// sample (which aws-lambda-go would silently drop) fails the test.
func gatewayEvent(t *testing.T, name string, payload []byte) events.APIGatewayV2HTTPRequest {
	t.Helper()
	var ev events.APIGatewayV2HTTPRequest
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("%s is not an API Gateway HTTP API v2 event: %v", name, err)
	}
	if ev.Version != "2.0" || ev.RequestContext.Stage != "$default" || ev.RequestContext.RequestID == "" ||
		ev.RouteKey != ev.RequestContext.RouteKey || ev.RawPath != ev.RequestContext.HTTP.Path ||
		!strings.HasPrefix(ev.RouteKey, ev.RequestContext.HTTP.Method+" ") {
		t.Fatalf("%s: inconsistent event: version %q stage %q requestId %q routeKey %q/%q path %q/%q method %q",
			name, ev.Version, ev.RequestContext.Stage, ev.RequestContext.RequestID, ev.RouteKey,
			ev.RequestContext.RouteKey, ev.RawPath, ev.RequestContext.HTTP.Path, ev.RequestContext.HTTP.Method)
	}
	return ev
}

// api is the deployed API in miniature: each function's Lambda handler, as
// its main.go wires it, over one table.
type api struct {
	t       *testing.T
	db      *dynamodb.Client
	table   string
	handler map[string]lambda.Handler // function name -> handler
	owner   map[string]string         // route key -> function name
}

func newAPI(t *testing.T) *api {
	s := testkit.New(t)
	client, table := s.DB, s.Table
	// What platform.LambdaAPI does, minus reading the environment.
	deps := platform.APIDeps(platform.Config{Table: table}, client, auth.Lambda{})
	deps.RequestID = platform.LambdaRequestID
	// The two functions whose main.go this test mirrors get their handlers
	// from the same constructors; any function added since is taken from
	// httpapi.Functions, which builds each with its own constructor too.
	byName := map[string]http.Handler{
		"programmes": httpapi.NewProgrammesHandler(deps),
		"grants":     httpapi.NewGrantsHandler(deps),
	}
	a := &api{t: t, db: client, table: table, owner: map[string]string{}, handler: map[string]lambda.Handler{}}
	for _, f := range httpapi.Functions(deps) {
		h, ok := byName[f.Name]
		if !ok {
			h = f.Handler
		}
		a.handler[f.Name] = lambda.NewHandler(platform.LambdaHandler(h))
		for _, r := range f.Routes {
			a.owner[r] = f.Name
			// template.yaml routes HEAD beside every GET, to the same function.
			if path, ok := strings.CutPrefix(r, http.MethodGet+" "); ok {
				a.owner[http.MethodHead+" "+path] = f.Name
			}
		}
	}
	for name := range byName {
		if _, ok := a.handler[name]; !ok {
			t.Fatalf("httpapi.Functions no longer lists %q", name)
		}
	}
	return a
}

// invoke sends the event to the function that owns its route, exactly as the
// Lambda runtime would hand it over, and checks that the answer names API
// Gateway's request id (not Lambda's) as X-Request-Id.
func (a *api) invoke(name string, vars map[string]string) (events.APIGatewayV2HTTPResponse, events.APIGatewayV2HTTPRequest) {
	t := a.t
	t.Helper()
	payload := loadEvent(t, name, vars)
	return a.invokeEvent(name, gatewayEvent(t, name, payload))
}

// invokeEvent is invoke of an event already read (a sample changed).
func (a *api) invokeEvent(name string, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, events.APIGatewayV2HTTPRequest) {
	t := a.t
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := a.owner[ev.RouteKey]
	if !ok {
		t.Fatalf("%s: route %q is served by no function", name, ev.RouteKey)
	}
	ctx := lambdacontext.NewContext(t.Context(), &lambdacontext.LambdaContext{
		AwsRequestID:       "8f5b3c2a-1d4e-4f6a-9b7c-0e1d2c3b4a59",
		InvokedFunctionArn: "arn:aws:lambda:eu-west-2:123456789012:function:fundtrack-prod-" + fn,
	})
	out, err := a.handler[fn].Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("%s: invoke %s: %v", name, fn, err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("%s: response is not an API Gateway v2 response: %v\n%s", name, err, out)
	}
	if got := header(resp, "X-Request-Id"); got != ev.RequestContext.RequestID {
		t.Fatalf("%s: X-Request-Id = %q, want the event's requestContext.requestId %q", name, got, ev.RequestContext.RequestID)
	}
	if resp.IsBase64Encoded {
		t.Fatalf("%s: JSON answer came back base64-encoded", name)
	}
	return resp, ev
}

// expect invokes and checks the status, decoding the JSON body into v (if not nil).
func (a *api) expect(name string, vars map[string]string, status int, v any) (events.APIGatewayV2HTTPResponse, events.APIGatewayV2HTTPRequest) {
	t := a.t
	t.Helper()
	resp, ev := a.invoke(name, vars)
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %s", name, resp.StatusCode, status, resp.Body)
	}
	if ct := header(resp, "Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q", name, ct)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(resp.Body), v); err != nil {
			t.Fatalf("%s: body: %v\n%s", name, err, resp.Body)
		}
	}
	return resp, ev
}

// items counts every item in the table: what "changes nothing" means.
func (a *api) items() int {
	a.t.Helper()
	n := 0
	p := dynamodb.NewScanPaginator(a.db, &dynamodb.ScanInput{TableName: aws.String(a.table), Select: types.SelectCount,
		ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		out, err := p.NextPage(a.t.Context())
		if err != nil {
			a.t.Fatal(err)
		}
		n += int(out.Count)
	}
	return n
}

type auditRecord struct {
	Entity     string `dynamodbav:"entity"`
	EntityID   string `dynamodbav:"entityId"`
	Action     string `dynamodbav:"action"`
	ActorEmail string `dynamodbav:"actorEmail"`
	RequestID  string `dynamodbav:"requestId"`
}

// audit reads a programme's audit events straight from the audit table,
// keyed by request id, so the check does not depend on the audit routes.
func (a *api) audit(programmeID string) map[string][]auditRecord {
	a.t.Helper()
	out, err := a.db.Query(a.t.Context(), &dynamodb.QueryInput{
		TableName:              aws.String(store.AuditTableName(a.table)),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: "PROG#" + programmeID},
			":sk": &types.AttributeValueMemberS{Value: "AUDIT#"},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		a.t.Fatal(err)
	}
	var recs []auditRecord
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &recs); err != nil {
		a.t.Fatal(err)
	}
	byRequest := map[string][]auditRecord{}
	for _, r := range recs {
		byRequest[r.RequestID] = append(byRequest[r.RequestID], r)
	}
	return byRequest
}

// header reads a response header whatever case the adapter gave its name.
func header(resp events.APIGatewayV2HTTPResponse, name string) string {
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for k, v := range resp.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return strings.Join(v, ",")
		}
	}
	return ""
}

type item struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	FunderID    string `json:"funderId"`
	ProjectID   string `json:"projectId"`
	Title       string `json:"title"`
	AmountPence int64  `json:"amountPence"`
	Version     int64  `json:"version"`
}

type itemList struct {
	Items      []item `json:"items"`
	NextCursor string `json:"nextCursor"`
}

type errorBody struct {
	Error struct {
		Code string `json:"code"`
	} `json:"error"`
}

// TestEventsThroughLambda walks one whole job through the sample events: an
// admin sets up a programme, a network lead records and changes a grant, the
// funder reads it; the health check answers without a token and a request
// with a forged identity but no authorizer gets 401 and changes nothing.
func TestEventsThroughLambda(t *testing.T) {
	a := newAPI(t)
	vars := map[string]string{}
	// want maps each change's request id to the audit event it must leave.
	want := map[string]auditRecord{}
	const (
		admin  = "admin@fundtrack.example.org"
		lead   = "network.lead@lpt.example.nhs.uk"
		funder = "grants.officer@dwp.example.gov.uk"
	)

	var programme item
	resp, ev := a.expect("create-programme.json", vars, http.StatusCreated, &programme)
	if programme.ID == "" || header(resp, "Location") != "/programmes/"+programme.ID {
		t.Fatalf("create programme: id %q, Location %q", programme.ID, header(resp, "Location"))
	}
	vars["programmeId"] = programme.ID
	want[ev.RequestContext.RequestID] = auditRecord{Entity: "programme", EntityID: programme.ID, Action: "create", ActorEmail: admin}

	var f item
	resp, ev = a.expect("create-funder.json", vars, http.StatusCreated, &f)
	if f.ID == "" || header(resp, "Location") != "/programmes/"+programme.ID+"/funders/"+f.ID {
		t.Fatalf("create funder: id %q, Location %q", f.ID, header(resp, "Location"))
	}
	vars["funderId"] = f.ID
	want[ev.RequestContext.RequestID] = auditRecord{Entity: "funder", EntityID: f.ID, Action: "create", ActorEmail: admin}

	var project item
	resp, ev = a.expect("create-project.json", vars, http.StatusCreated, &project)
	if project.ID == "" || header(resp, "Location") != "/programmes/"+programme.ID+"/projects/"+project.ID {
		t.Fatalf("create project: id %q, Location %q", project.ID, header(resp, "Location"))
	}
	vars["projectId"] = project.ID
	want[ev.RequestContext.RequestID] = auditRecord{Entity: "project", EntityID: project.ID, Action: "create", ActorEmail: admin}

	for _, m := range []struct{ event, email string }{
		{"put-member.json", lead},
		{"put-member-funder.json", funder},
	} {
		var member item
		resp, ev = a.expect(m.event, vars, http.StatusCreated, &member)
		if member.Email != m.email || header(resp, "Location") != "/programmes/"+programme.ID+"/members/"+m.email {
			t.Fatalf("%s: member %q, Location %q", m.event, member.Email, header(resp, "Location"))
		}
		want[ev.RequestContext.RequestID] = auditRecord{Entity: "member", EntityID: m.email, Action: "create", ActorEmail: admin}
	}

	// The lead, in no Cognito group, sees the programme through membership.
	var programmes itemList
	a.expect("list-programmes.json", vars, http.StatusOK, &programmes)
	if len(programmes.Items) != 1 || programmes.Items[0].ID != programme.ID {
		t.Fatalf("lead's programmes: %+v", programmes.Items)
	}

	// The lead records a grant, with an Idempotency-Key.
	var grant item
	resp, ev = a.expect("create-grant.json", vars, http.StatusCreated, &grant)
	location := "/programmes/" + programme.ID + "/grants/" + grant.ID
	if grant.ID == "" || header(resp, "Location") != location || header(resp, "ETag") != `"1"` ||
		header(resp, "Idempotent-Replayed") != "" {
		t.Fatalf("create grant: id %q, headers %v", grant.ID, resp.Headers)
	}
	if grant.FunderID != f.ID || grant.ProjectID != project.ID || grant.AmountPence != 31000000 {
		t.Fatalf("create grant: %+v", grant)
	}
	vars["grantId"] = grant.ID
	want[ev.RequestContext.RequestID] = auditRecord{Entity: "grant", EntityID: grant.ID, Action: "create", ActorEmail: lead}
	firstBody := resp.Body

	// The same event again (a client retry): the first answer, replayed, and
	// nothing written.
	before := a.items()
	resp, _ = a.expect("create-grant.json", vars, http.StatusCreated, nil)
	if header(resp, "Idempotent-Replayed") != "true" || resp.Body != firstBody ||
		header(resp, "Location") != location || header(resp, "ETag") != `"1"` {
		t.Fatalf("replayed create grant: headers %v body %s", resp.Headers, resp.Body)
	}
	if after := a.items(); after != before {
		t.Fatalf("the replay wrote %d items", after-before)
	}

	var got item
	resp, _ = a.expect("get-grant.json", vars, http.StatusOK, &got)
	if got.ID != grant.ID || header(resp, "ETag") != `"1"` {
		t.Fatalf("get grant: %+v, ETag %q", got, header(resp, "ETag"))
	}
	// HEAD, routed beside GET (template.yaml): the GET's answer without
	// its body, not the fallback's 405.
	head := gatewayEvent(t, "get-grant.json", loadEvent(t, "get-grant.json", vars))
	head.RouteKey = "HEAD /programmes/{programmeId}/grants/{grantId}"
	head.RequestContext.RouteKey, head.RequestContext.HTTP.Method = head.RouteKey, http.MethodHead
	head.RequestContext.RequestID = "HeadGrant0Request="
	if hr, _ := a.invokeEvent("get-grant.json as HEAD", head); hr.StatusCode != http.StatusOK || hr.Body != "" ||
		header(hr, "ETag") != `"1"` || header(hr, "Content-Type") != "application/json" ||
		header(hr, "Content-Length") != strconv.Itoa(len(resp.Body)) {
		t.Fatalf("HEAD of the grant: %d %v %q, want 200 with GET's headers, Content-Length %d and no body",
			hr.StatusCode, hr.Headers, hr.Body, len(resp.Body))
	}

	// patch-grant.json sends If-Match: "1", the ETag just read.
	var patched item
	resp, ev = a.expect("patch-grant.json", vars, http.StatusOK, &patched)
	if patched.AmountPence != 32500000 || patched.Version != 2 || header(resp, "ETag") != `"2"` {
		t.Fatalf("patch grant: %+v, ETag %q", patched, header(resp, "ETag"))
	}
	want[ev.RequestContext.RequestID] = auditRecord{Entity: "grant", EntityID: grant.ID, Action: "change", ActorEmail: lead}

	// The same change again is now based on a stale version.
	var stale errorBody
	before = a.items()
	a.expect("patch-grant.json", vars, http.StatusPreconditionFailed, &stale)
	if stale.Error.Code != "precondition_failed" {
		t.Fatalf("stale patch: code %q", stale.Error.Code)
	}
	if after := a.items(); after != before {
		t.Fatalf("the stale patch wrote %d items", after-before)
	}

	// The funder reads the grants it funds, as changed.
	var grants itemList
	a.expect("list-grants-as-funder.json", vars, http.StatusOK, &grants)
	if len(grants.Items) != 1 || grants.Items[0].ID != grant.ID || grants.Items[0].AmountPence != 32500000 ||
		grants.Items[0].Version != 2 || grants.NextCursor != "" {
		t.Fatalf("funder's grants: %+v", grants)
	}

	// Health answers without an authorizer.
	var health map[string]string
	a.expect("health.json", vars, http.StatusOK, &health)
	if health["status"] != "ok" {
		t.Fatalf("health: %v", health)
	}

	// Every change left one audit event carrying API Gateway's request id.
	audit := a.audit(programme.ID)
	for id, w := range want {
		recs := audit[id]
		if len(recs) != 1 {
			t.Errorf("request %s: %d audit events, want 1 (%+v)", id, len(recs), w)
			continue
		}
		w.RequestID = id
		if recs[0] != w {
			t.Errorf("request %s: audit event %+v, want %+v", id, recs[0], w)
		}
	}
	for id := range audit {
		if _, ok := want[id]; !ok {
			t.Errorf("audit event under unexpected request id %q: %+v", id, audit[id])
		}
	}

	// No authorizer, an identity claimed in every header a proxy might use:
	// 401, and not a single item written (no programme, no idempotency key).
	before = a.items()
	var denied errorBody
	resp, _ = a.expect("forged-identity.json", vars, http.StatusUnauthorized, &denied)
	if denied.Error.Code != "unauthenticated" || header(resp, "WWW-Authenticate") == "" {
		t.Fatalf("forged identity: code %q, headers %v", denied.Error.Code, resp.Headers)
	}
	if after := a.items(); after != before {
		t.Fatalf("the forged request wrote %d items", after-before)
	}
}

// TestEventFiles checks every sample in events/: each API event is a
// well-formed HTTP API v2 event for a route some function serves, uses only
// documented placeholders, and carries JWT claims exactly when its route
// needs a token; schedule.json is an EventBridge Scheduler event.
func TestEventFiles(t *testing.T) {
	owner := map[string]string{}
	for _, f := range httpapi.Functions(httpapi.Deps{}) {
		for _, r := range f.Routes {
			owner[r] = f.Name
		}
	}
	readme, err := os.ReadFile(filepath.Join(eventsDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no events found")
	}
	requestIDs := map[string]string{}
	vars := map[string]string{"programmeId": "p", "funderId": "f", "projectId": "r", "grantId": "g"}
	for _, path := range names {
		name := filepath.Base(path)
		if !bytes.Contains(readme, []byte(name)) {
			t.Errorf("%s is not described in events/README.md", name)
		}
		if name == "schedule.json" {
			continue
		}
		ev := gatewayEvent(t, name, loadEvent(t, name, vars))
		if _, ok := owner[ev.RouteKey]; !ok {
			t.Errorf("%s: route %q is served by no function", name, ev.RouteKey)
		}
		if prev, dup := requestIDs[ev.RequestContext.RequestID]; dup {
			t.Errorf("%s and %s share request id %s", name, prev, ev.RequestContext.RequestID)
		}
		requestIDs[ev.RequestContext.RequestID] = name
		hasJWT := ev.RequestContext.Authorizer != nil && ev.RequestContext.Authorizer.JWT != nil
		public := ev.RouteKey == "GET /health" || name == "forged-identity.json"
		if hasJWT == public {
			t.Errorf("%s: JWT authorizer claims present = %v for route %s", name, hasJWT, ev.RouteKey)
		}
		if hasJWT {
			c := ev.RequestContext.Authorizer.JWT.Claims
			for _, k := range []string{"sub", "email", "email_verified", "iss", "token_use"} {
				if c[k] == "" {
					t.Errorf("%s: claim %q missing", name, k)
				}
			}
		}
		for _, p := range placeholder.FindAllString(string(mustRead(t, path)), -1) {
			if !bytes.Contains(readme, []byte(p)) {
				t.Errorf("%s: placeholder %s is not documented in events/README.md", name, p)
			}
		}
	}

	var sched events.EventBridgeEvent
	dec := json.NewDecoder(bytes.NewReader(mustRead(t, filepath.Join(eventsDir, "schedule.json"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sched); err != nil {
		t.Fatalf("schedule.json: %v", err)
	}
	var detail map[string]string
	if err := json.Unmarshal(sched.Detail, &detail); err != nil {
		t.Fatalf("schedule.json detail: %v", err)
	}
	if sched.Source != "aws.scheduler" || sched.DetailType != "Scheduled Event" || sched.Time.IsZero() ||
		len(sched.Resources) != 1 || !strings.HasPrefix(sched.Resources[0], "arn:aws:scheduler:") ||
		detail["scheduleArn"] != sched.Resources[0] || detail["executionId"] != sched.ID {
		t.Fatalf("schedule.json: %+v detail %v", sched, detail)
	}
	if detail["scheduledTime"] == "" || detail["attemptNumber"] == "" {
		t.Fatalf("schedule.json: detail %v lacks scheduledTime or attemptNumber", detail)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
