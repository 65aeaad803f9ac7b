package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/platform"
)

// rawRunner starts the local runner (Listen, Server, Handler) over a table
// nothing reads, and returns send: one request written by hand on a
// connection of its own, its request line exactly target (which an
// http.Client would clean or refuse), answered with the response, its body
// and whatever follows the body on the wire until the server closes.
func rawRunner(t *testing.T) (send func(method, target string) (resp *http.Response, body, rest string)) {
	t.Helper()
	addr := startRunner(t)
	return func(method, target string) (*http.Response, string, string) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method, target, addr)
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("%s %s: %v", method, target, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		rest, _ := io.ReadAll(br)
		return resp, string(body), string(rest)
	}
}

// startRunner starts the local runner (Listen, Server, Handler) over a
// table nothing reads and returns its address.
func startRunner(t *testing.T) string {
	t.Helper()
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
	return ln.Addr().String()
}
