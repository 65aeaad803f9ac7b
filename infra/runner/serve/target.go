package serve

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/fundtrack/fundtrack/shared/platform"
)

// Server is the runner's HTTP server of h, for a listener from Listen.
//
// net/http's server refuses a request whose target does not parse as a URL
// (a % not followed by two hexadecimal digits: GET /programmes/%zz) before
// any handler runs, with a plain-text "400 Bad Request", where the API
// answers errors in the SPEC's shape and the web app on its own pages.
// Listen's connections hand the server such a request line with each stray
// % escaped (platform.ReadablePath) and keep the target as sent, which the
// handler is given as the request's RequestURI, so the API and the web app
// refuse it themselves (decode.Target), as they do in AWS behind
// platform.LambdaHandler. Only a connection's first request line is read
// so, so the server keeps no connection open for a second request.
func Server(h http.Handler) *http.Server {
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c, ok := r.Context().Value(connKey{}).(*targetConn); ok {
				if sent := c.sentTarget(); sent != "" {
					r.RequestURI = sent
				}
			}
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	srv.SetKeepAlivesEnabled(false)
	return srv
}

// Listen listens on addr, each connection's request line made readable
// for Server.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return targetListener{ln}, nil
}

type connKey struct{}

type targetListener struct{ net.Listener }

func (l targetListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &targetConn{Conn: c, br: bufio.NewReaderSize(c, maxRequestLine)}, nil
}

// maxRequestLine bounds the request line read ahead of the server: a
// longer one is passed on as it came.
const maxRequestLine = 16 << 10

// targetConn is a connection whose first request line is read before the
// server reads it, and rewritten when its target does not parse.
type targetConn struct {
	net.Conn
	br *bufio.Reader

	once sync.Once
	line []byte // what is left to hand the server of the first line
	err  error
	mu   sync.Mutex
	sent string // the target as sent, when the line was rewritten
}

func (c *targetConn) Read(p []byte) (int, error) {
	c.once.Do(c.readLine)
	if len(c.line) > 0 {
		n := copy(p, c.line)
		c.line = c.line[n:]
		return n, nil
	}
	if c.err != nil {
		err := c.err
		c.err = nil
		return 0, err
	}
	return c.br.Read(p)
}

// readLine reads the first request line, rewriting its target when it
// does not parse: "GET /a/%zz HTTP/1.1" is handed on as
// "GET /a/%25zz HTTP/1.1".
func (c *targetConn) readLine() {
	line, err := c.br.ReadSlice('\n')
	c.line = append([]byte(nil), line...)
	if err != nil {
		if err != bufio.ErrBufferFull {
			c.err = err
		}
		return
	}
	method, rest, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || len(target) == 0 || target[0] != '/' {
		return
	}
	if _, err := url.ParseRequestURI(string(target)); err == nil {
		return
	}
	path, query, hasQuery := bytes.Cut(target, []byte("?"))
	readable := platform.ReadablePath(string(path))
	if hasQuery {
		readable += "?" + string(query)
	}
	c.mu.Lock()
	c.sent = string(target)
	c.mu.Unlock()
	c.line = bytes.Join([][]byte{method, []byte(readable), proto}, []byte(" "))
}

// sentTarget is the first request's target as sent, when it was rewritten.
func (c *targetConn) sentTarget() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent
}
