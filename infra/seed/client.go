package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
)

// --- HTTP ---

// apiError is an answer other than the one expected.
type apiError struct {
	method, path string
	status       int
	code, msg    string
	fields       map[string]string
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("%s %s: %d", e.method, e.path, e.status)
	if e.code != "" {
		s += " " + e.code
	}
	if e.msg != "" {
		s += ": " + e.msg
	}
	if len(e.fields) > 0 {
		b, _ := json.Marshal(e.fields)
		s += " " + string(b)
	}
	return s
}

// token returns a local token for email; the admin is in group admins.
func (s *seeder) token(email string) (string, error) {
	if t, ok := s.tokens[email]; ok {
		return t, nil
	}
	var groups []string
	if email == adminEmail {
		groups = []string{domain.AdminGroup}
	}
	t, err := auth.MintLocal(s.secret, email, "", groups, time.Hour, time.Now())
	if err != nil {
		return "", err
	}
	s.tokens[email] = t
	return t, nil
}

// call sends one request as the given user and decodes the answer into out
// (when not nil). A POST sends key as its Idempotency-Key and expects 201;
// a PUT expects 200 or 201; a GET 200. Answers that say "busy, try again"
// (409 request_in_progress, 429, 502-504) are retried with backoff, as are
// failed connections, which is safe since every POST carries its key.
func (s *seeder) call(ctx context.Context, as, method, path, key string, body, out any) error {
	hdr := http.Header{}
	if key != "" {
		hdr.Set("Idempotency-Key", key)
	}
	return s.do(ctx, as, method, path, hdr, body, out)
}

// do is call with any request headers.
func (s *seeder) do(ctx context.Context, as, method, path string, hdr http.Header, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	tok, err := s.token(as)
	if err != nil {
		return err
	}
	wait := s.retryWait
	deadline := time.Now().Add(s.retryFor)
	connFailures := 0
	for {
		status, resp, err := s.send(ctx, method, path, hdr, tok, raw)
		retry := false
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			connFailures++
			if connFailures >= 3 {
				return fmt.Errorf("%s %s: %w (is the API running? `make run` starts it on %s)", method, path, err, defaultAPI)
			}
			retry = true
		case status == http.StatusTooManyRequests || status == http.StatusBadGateway ||
			status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
			retry = true
		case status == http.StatusConflict && errorCode(resp) == string(domain.CodeRequestInProgress):
			retry = true // an earlier attempt with this key is still running, or died holding it
		}
		if retry && time.Now().Add(wait).Before(deadline) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			wait = min(wait*2, s.maxWait)
			continue
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		if !expected(method, status) {
			e := &apiError{method: method, path: path, status: status}
			var eb struct {
				Error struct {
					Code    string            `json:"code"`
					Message string            `json:"message"`
					Fields  map[string]string `json:"fields"`
				} `json:"error"`
			}
			if json.Unmarshal(resp, &eb) == nil {
				e.code, e.msg, e.fields = eb.Error.Code, eb.Error.Message, eb.Error.Fields
			} else {
				e.msg = strings.TrimSpace(string(resp))
			}
			return e
		}
		if out != nil {
			if err := json.Unmarshal(resp, out); err != nil {
				return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
			}
		}
		return nil
	}
}

func expected(method string, status int) bool {
	switch method {
	case http.MethodPost:
		return status == http.StatusCreated
	case http.MethodPut:
		return status == http.StatusOK || status == http.StatusCreated
	default:
		return status == http.StatusOK
	}
}

func errorCode(body []byte) string {
	var eb struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(body, &eb)
	return eb.Error.Code
}

func (s *seeder) send(ctx context.Context, method, path string, hdr http.Header, token string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, raw, nil
}
