package webdeps

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// SSM reads parameters from Systems Manager Parameter Store with one
// SigV4-signed GetParameter request each: the only SSM call the web
// function makes. It stands in for the SDK's SSM client, whose package init
// alone allocated 1.4 MB (a schema of every SSM shape) and which made the
// web binary 4.7 MB bigger, on every cold start (BENCHMARKS.md, section 1);
// the signer and HTTP client it uses are the DynamoDB client's.
type SSM struct {
	// Endpoint is where requests go: "" is Parameter Store in Region.
	Endpoint    string
	Region      string
	Credentials aws.CredentialsProvider
	// HTTP sends the requests; nil is a plain http.Client.
	HTTP *http.Client
}

// Parameter is what GetParameter answers.
type Parameter struct {
	Name  string
	Type  string // "String", "StringList" or "SecureString"
	Value string
}

// SSMError is an error answer from Parameter Store.
type SSMError struct {
	Status  int
	Code    string // ParameterNotFound, AccessDeniedException, ThrottlingException…
	Message string
}

func (e *SSMError) Error() string {
	return fmt.Sprintf("SSM GetParameter: %d %s: %s", e.Status, e.Code, e.Message)
}

// ssmAttempts bounds the tries of one GetParameter: a throttled, failed
// (5xx) or unreachable request is tried again, as the SDK's standard
// retryer would, after 100 ms and then 200 ms.
const ssmAttempts = 3

// GetParameter reads one parameter, decrypted if decrypt is set.
func (c *SSM) GetParameter(ctx context.Context, name string, decrypt bool) (Parameter, error) {
	body, err := json.Marshal(struct {
		Name           string
		WithDecryption bool
	}{name, decrypt})
	if err != nil {
		return Parameter{}, err
	}
	var last error
	for attempt := range ssmAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return Parameter{}, errors.Join(last, ctx.Err())
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		p, err := c.getParameter(ctx, body)
		if err == nil || !retryable(err) {
			return p, err
		}
		last = err
	}
	return Parameter{}, last
}

func retryable(err error) bool {
	var e *SSMError
	if errors.As(err, &e) {
		return e.Status >= 500 || e.Code == "ThrottlingException" || e.Status == http.StatusTooManyRequests
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func (c *SSM) getParameter(ctx context.Context, body []byte) (Parameter, error) {
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = "https://ssm." + c.Region + ".amazonaws.com"
		if strings.HasPrefix(c.Region, "cn-") {
			endpoint += ".cn"
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return Parameter{}, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM.GetParameter")
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return Parameter{}, fmt.Errorf("SSM GetParameter: credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ssm", c.Region, time.Now()); err != nil {
		return Parameter{}, fmt.Errorf("SSM GetParameter: sign: %w", err)
	}
	client := c.HTTP
	if client == nil {
		client = &http.Client{}
	}
	resp, err := client.Do(req)
	if err != nil {
		return Parameter{}, fmt.Errorf("SSM GetParameter: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Parameter{}, fmt.Errorf("SSM GetParameter: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return Parameter{}, ssmError(resp.StatusCode, raw)
	}
	var out struct {
		Parameter *Parameter
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Parameter == nil {
		return Parameter{}, fmt.Errorf("SSM GetParameter: unreadable answer (%v): %.200s", err, raw)
	}
	return *out.Parameter, nil
}

// ssmError reads an AWS JSON 1.1 error body: {"__type": "…#Code:…",
// "message": "…"} (some services spell it "Message").
func ssmError(status int, raw []byte) error {
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
		Upper   string `json:"Message"`
	}
	_ = json.Unmarshal(raw, &body)
	code := body.Type
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	code, _, _ = strings.Cut(code, ":")
	if code == "" {
		code = http.StatusText(status)
	}
	msg := body.Message
	if msg == "" {
		msg = body.Upper
	}
	return &SSMError{Status: status, Code: code, Message: msg}
}
