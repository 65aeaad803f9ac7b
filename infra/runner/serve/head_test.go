package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/platform"
)

// TestHeadHasNoBody: behind the local runner a HEAD, to a web page or to
// the API, is answered as its GET, status and headers, and nothing
// follows the headers on the wire, as platform.LambdaHandler answers it
// in AWS (TestHeadThroughLambdaProxy in shared/web, and functions/).
func TestHeadHasNoBody(t *testing.T) {
	// Nothing here reads the table.
	h, err := Handler(platform.Config{Table: "fundtrack"}, dynamodb.New(dynamodb.Options{Region: "eu-west-2"}),
		auth.Local{Secret: []byte("runner-test-secret"), Issuer: auth.LocalIssuer})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := Server(h)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	// send sends one request on a connection of its own and reads the
	// answer, and all that follows it until the server closes it.
	send := func(method, target string) (*http.Response, string) {
		t.Helper()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method, target, ln.Addr())
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("%s %s: %v", method, target, err)
		}
		body, _ := io.ReadAll(resp.Body)
		rest, _ := io.ReadAll(br)
		return resp, string(body) + string(rest)
	}
	for _, c := range []struct {
		target string
		status int
	}{
		{"/app/auth/login", http.StatusOK},         // a page
		{"/app/elsewhere", http.StatusNotFound},    // the web app's 404 page
		{"/app/programmes/p1", http.StatusFound},   // signed out: to sign-in
		{"/openapi.json", http.StatusOK},           // the API
		{"/no-such-thing", http.StatusNotFound},    // the API's 404
		{"/programmes/%zz", http.StatusBadRequest}, // the API's 400, target rewritten
	} {
		get, body := send(http.MethodGet, c.target)
		head, rest := send(http.MethodHead, c.target)
		if get.StatusCode != c.status || body == "" {
			t.Errorf("GET %s: %d with %d bytes, want %d with a body", c.target, get.StatusCode, len(body), c.status)
			continue
		}
		if head.StatusCode != get.StatusCode || rest != "" {
			t.Errorf("HEAD %s: %d followed by %q, want %d and nothing after the headers", c.target, head.StatusCode, rest, get.StatusCode)
		}
		for k := range get.Header {
			switch k {
			case "Date", "X-Request-Id", "Content-Length":
				continue
			case "Set-Cookie": // a new sign-in state each time
				if len(head.Header[k]) != len(get.Header[k]) {
					t.Errorf("HEAD %s: cookies %q, GET's %q", c.target, head.Header[k], get.Header[k])
				}
				continue
			}
			if g, hd := strings.Join(get.Header[k], ", "), strings.Join(head.Header[k], ", "); g != hd {
				t.Errorf("HEAD %s: %s %q, GET's %q", c.target, k, hd, g)
			}
		}
	}
}
