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

// awsJSON makes one AWS JSON 1.1 call (a SigV4-signed POST naming its
// operation in X-Amz-Target), as the SDK's clients do, for the web
// function's two calls outside DynamoDB: reading its session key (SSM) and
// signing a person out everywhere (Cognito). The SDK's clients for those
// services would each add megabytes and package-init work to every cold
// start (BENCHMARKS.md, section 1) for one operation.
type awsJSON struct {
	// Service is the signing name and the host's first label ("ssm",
	// "cognito-idp"); Target prefixes the operation in X-Amz-Target
	// ("AmazonSSM").
	Service, Target string
	// Endpoint is where requests go: "" is the service's regional one.
	Endpoint    string
	Region      string
	Credentials aws.CredentialsProvider
	// HTTP sends the requests; nil is a plain http.Client.
	HTTP *http.Client
}

// AWSError is an error answer from an AWS JSON 1.1 service.
type AWSError struct {
	Op      string // "SSM GetParameter"
	Status  int
	Code    string // ParameterNotFound, UserNotFoundException, ThrottlingException…
	Message string
}

// Error names the operation, the HTTP status, the code and the message.
func (e *AWSError) Error() string {
	return fmt.Sprintf("%s: %d %s: %s", e.Op, e.Status, e.Code, e.Message)
}

// awsAttempts bounds the tries of one call: a throttled, failed (5xx) or
// unreachable request is tried again, as the SDK's standard retryer would,
// after 100 ms and then 200 ms.
const awsAttempts = 3

// do calls op with in as its JSON body and reads the answer into out
// (nil: the answer is not read).
func (c awsJSON) do(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var last error
	for attempt := range awsAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return errors.Join(last, ctx.Err())
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		err := c.once(ctx, op, body, out)
		if err == nil || !retryable(err) {
			return err
		}
		last = err
	}
	return last
}

func retryable(err error) bool {
	var e *AWSError
	if errors.As(err, &e) {
		return e.Status >= 500 || e.Code == "ThrottlingException" || e.Code == "TooManyRequestsException" || e.Status == http.StatusTooManyRequests
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

func (c awsJSON) name(op string) string {
	svc := strings.ToUpper(c.Service)
	if c.Service == "cognito-idp" {
		svc = "Cognito"
	}
	return svc + " " + op
}

func (c awsJSON) once(ctx context.Context, op string, body []byte, out any) error {
	name := c.name(op)
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = "https://" + c.Service + "." + c.Region + ".amazonaws.com"
		if strings.HasPrefix(c.Region, "cn-") {
			endpoint += ".cn"
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", c.Target+"."+op)
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("%s: credentials: %w", name, err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), c.Service, c.Region, time.Now()); err != nil {
		return fmt.Errorf("%s: sign: %w", name, err)
	}
	client := c.HTTP
	if client == nil {
		client = &http.Client{}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if resp.StatusCode != http.StatusOK {
		return awsError(name, resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: unreadable answer (%v): %.200s", name, err, raw)
	}
	return nil
}

// awsError reads an AWS JSON 1.1 error body: {"__type": "…#Code:…",
// "message": "…"} (some services spell it "Message").
func awsError(op string, status int, raw []byte) error {
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
	return &AWSError{Op: op, Status: status, Code: code, Message: msg}
}
