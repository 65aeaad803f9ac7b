package serve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
// platform.LambdaHandler.
//
// Connections are kept alive, as API Gateway keeps a client's: each
// request on one is handed to h on its own, as each is a Lambda
// invocation of its own in AWS (nothing of one request is carried to the
// next but the connection). A connection follows each request's framing
// (its headers and a Content-Length body) to find the next request line;
// a request it cannot follow so (a chunked body, a line longer than it
// reads ahead) is answered with Connection: close, so no request line
// after it on that connection reaches the server unlooked at.
func Server(h http.Handler) *http.Server {
	return &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c, ok := r.Context().Value(connKey{}).(*targetConn); ok {
				line := c.next()
				if line.sent != "" {
					r.RequestURI = line.sent
				}
				if line.last {
					w.Header().Set("Connection", "close")
				}
			}
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
}

// Listen listens on addr, each connection's request lines made readable
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

// maxRequestLine bounds a request line or header line read ahead of the
// server: a longer one is passed on as it came, and the connection
// closes after its request.
const maxRequestLine = 16 << 10

// Where a connection is in the requests it carries.
const (
	atLine    = iota // the next bytes are a request line (or an empty line before one)
	inHeaders        // header lines, up to the empty line
	inBody           // body bytes of a Content-Length
	opaque           // framing not followed: passed on as it comes
)

// targetConn is a connection whose request lines are read before the
// server reads them, each rewritten when its target does not parse. It
// follows each request's headers and Content-Length body to the next
// request line. The server reads it from one goroutine at a time (its
// background read included), so only what the handler asks (next) is
// locked.
type targetConn struct {
	net.Conn
	br *bufio.Reader

	state int
	ahead []byte // bytes read and looked at, to hand the server
	part  []byte // a line read in part (cut short by a timeout)
	err   error  // the error to give once ahead is handed on
	body  int64  // with inBody: the body bytes left
	// The request whose headers are being read: its Content-Length (-1
	// for none) and whether its framing is one this connection does not
	// follow.
	length    int64
	unframed  bool
	headerLen int

	mu    sync.Mutex
	lines []requestLine // the request lines read, not yet handed to a handler
}

// requestLine is what a request's handler is told of its request line.
type requestLine struct {
	sent string // the target as sent, when the line was rewritten
	last bool   // the connection cannot find the request after it: close it
}

// next is what the connection read of the request line of the request
// now served: the requests on a connection are served in order, one at a
// time, each line read before its request reaches the handler. None read
// (never so) answers close.
func (c *targetConn) next() requestLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.lines) == 0 {
		return requestLine{last: true}
	}
	l := c.lines[0]
	c.lines = c.lines[1:]
	return l
}

func (c *targetConn) push(l requestLine) {
	c.mu.Lock()
	c.lines = append(c.lines, l)
	c.mu.Unlock()
}

// lastOne marks the request whose line was read last as the connection's
// last: the connection no longer follows the framing after it.
func (c *targetConn) lastOne() {
	c.mu.Lock()
	if n := len(c.lines); n > 0 {
		c.lines[n-1].last = true
	}
	c.mu.Unlock()
	c.state = opaque
}

// maxHeaderBytes is how much of a request's headers the connection
// follows (net/http's DefaultMaxHeaderBytes): past it the server refuses
// the request anyway.
const maxHeaderBytes = http.DefaultMaxHeaderBytes

func (c *targetConn) Read(p []byte) (int, error) {
	for len(c.ahead) == 0 {
		if c.err != nil {
			err := c.err
			c.err = nil
			return 0, err
		}
		switch c.state {
		case opaque:
			return c.br.Read(p)
		case inBody:
			if c.body == 0 {
				c.state = atLine
				continue
			}
			n, err := c.br.Read(p[:min(int64(len(p)), c.body)])
			c.body -= int64(n)
			return n, err
		}
		line, long, err := c.readLine()
		if line == nil && err != nil {
			return 0, err
		}
		c.ahead, c.err = line, err
		switch {
		case long:
			if c.state == atLine {
				c.push(requestLine{})
			}
			c.lastOne()
		case err != nil:
			// The end of the connection, a line cut short: handed on
			// as it is, for the server to refuse.
		case c.state == atLine:
			c.requestLine(line)
		default:
			c.header(line)
		}
	}
	n := copy(p, c.ahead)
	c.ahead = c.ahead[n:]
	return n, nil
}

// readLine reads the rest of a line; long when it is longer than the
// connection reads ahead (then what was read of it). A line cut short by a
// timeout (the server's read deadline: its background read, aborted once
// a handler returns, or a slow client) is kept and the error returned
// alone, so a line is handed on whole (or not at all) and the server's
// next read carries on with it.
func (c *targetConn) readLine() (line []byte, long bool, err error) {
	frag, err := c.br.ReadSlice('\n')
	c.part = append(c.part, frag...)
	var ne net.Error
	switch {
	case err == nil:
	case errors.Is(err, bufio.ErrBufferFull):
		long, err = true, nil
	case errors.As(err, &ne) && ne.Timeout() && len(c.part) <= maxRequestLine:
		return nil, false, err
	}
	line, c.part = c.part, nil
	return line, long, err
}

// requestLine takes a request line, rewriting its target when it does
// not parse: "GET /a/%zz HTTP/1.1" is handed on as "GET /a/%25zz
// HTTP/1.1". An empty line before one is handed on as it is.
func (c *targetConn) requestLine(line []byte) {
	if isBlank(line) {
		return
	}
	c.push(requestLine{sent: c.rewrite(line)})
	c.state, c.length, c.unframed, c.headerLen = inHeaders, -1, false, len(line)
}

// rewrite rewrites c.ahead, the request line line, when its target does
// not parse, and returns the target as sent ("" when it parses).
func (c *targetConn) rewrite(line []byte) string {
	method, rest, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || len(target) == 0 || target[0] != '/' {
		return ""
	}
	if _, err := url.ParseRequestURI(string(target)); err == nil {
		return ""
	}
	path, query, hasQuery := bytes.Cut(target, []byte("?"))
	readable := platform.ReadablePath(string(path))
	if hasQuery {
		readable += "?" + string(query)
	}
	c.ahead = bytes.Join([][]byte{method, []byte(readable), proto}, []byte(" "))
	return string(target)
}

// header takes one header line, noting the request's framing; the empty
// line ending them says where the next request line begins: after the
// Content-Length body, if any. A chunked body (Transfer-Encoding), a
// Content-Length the connection cannot be sure of, a folded or malformed
// line, or more header than the server takes makes the request the
// connection's last.
func (c *targetConn) header(line []byte) {
	if c.headerLen += len(line); c.headerLen > maxHeaderBytes {
		c.lastOne()
		return
	}
	if isBlank(line) {
		switch {
		case c.unframed:
			c.lastOne()
		case c.length > 0:
			c.state, c.body = inBody, c.length
		default:
			c.state = atLine
		}
		return
	}
	if line[0] == ' ' || line[0] == '\t' {
		c.unframed = true
		return
	}
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		c.unframed = true
		return
	}
	switch strings.ToLower(string(name)) {
	case "transfer-encoding":
		c.unframed = true
	case "content-length":
		n, err := strconv.ParseInt(string(bytes.TrimSpace(value)), 10, 64)
		if err != nil || n < 0 || (c.length >= 0 && n != c.length) {
			c.unframed = true
			return
		}
		c.length = n
	}
}

func isBlank(line []byte) bool { return len(bytes.TrimRight(line, "\r\n")) == 0 }
