package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRequestsShareAConnection: the runner keeps a connection open for
// the next request, as API Gateway does, and each request on it is
// served on its own: a stray % in any request's path (not only the
// first's) is the app's own 400, and the request after it is served as
// sent (its path not the stray one's). A body (Content-Length) is passed
// over to the request after it, and requests sent together (pipelined)
// are answered in order. A chunked body, whose end the runner does not
// look for, is answered with Connection: close and the connection ends.
func TestRequestsShareAConnection(t *testing.T) {
	addr := startRunner(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	br := bufio.NewReader(c)
	write := func(raw string) {
		t.Helper()
		if _, err := io.WriteString(c, raw); err != nil {
			t.Fatal(err)
		}
	}
	req := func(method, target, hdr, body string) string {
		return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n%s", method, target, addr, hdr, body)
	}
	read := func(what, method string, status int, contains string) *http.Response {
		t.Helper()
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status || !strings.Contains(string(body), contains) {
			t.Errorf("%s: %d, want %d with %q\n%s", what, resp.StatusCode, status, contains, body)
		}
		return resp
	}
	kept := func(what string, resp *http.Response) {
		t.Helper()
		if resp.Close {
			t.Errorf("%s: the connection is closed after it (%s)", what, resp.Header)
		}
	}

	write(req("GET", "/app/auth/login", "", ""))
	kept("a page", read("a page", "GET", http.StatusOK, "<form"))
	write(req("GET", "/programmes/%zz", "", ""))
	kept("a stray % second", read("a stray % second", "GET", http.StatusBadRequest, `"validation_failed"`))
	// A body, not read by the API (no token: 401), then a stray % on the
	// web app: its request line is found after the body.
	body := `{"name":"GET /programmes/%zz HTTP/1.1"}`
	write(req("POST", "/programmes", fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\n", len(body)), body))
	kept("a POST with a body", read("a POST with a body", "POST", http.StatusUnauthorized, `"unauthenticated"`))
	write(req("GET", "/app/programmes/p1/members/%ZZ/edit", "", ""))
	kept("a stray % after a body", read("a stray % after a body", "GET", http.StatusBadRequest, "The web address is not valid"))
	// Three sent together: answered in order, each its own.
	write(req("GET", "/programmes/%zz?limit=5", "", "") + req("GET", "/no%20such", "", "") + req("HEAD", "/app/auth/login", "", ""))
	kept("pipelined, first", read("pipelined, first", "GET", http.StatusBadRequest, `"path"`))
	kept("pipelined, second", read("pipelined, second", "GET", http.StatusNotFound, `"not_found"`))
	kept("pipelined, third", read("pipelined, third", "HEAD", http.StatusOK, ""))
	// A chunked body: the last request the connection serves.
	write(req("POST", "/programmes", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n"))
	if resp := read("a chunked body", "POST", http.StatusUnauthorized, `"unauthenticated"`); !resp.Close {
		t.Errorf("a chunked body: the connection is kept (%s)", resp.Header)
	}
	if n, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the chunked body the connection carries on: %v %v", n, err)
	}
}
