package webdeps

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// SSM reads parameters from Systems Manager Parameter Store with one
// SigV4-signed GetParameter request each: the only SSM call the web
// function makes. It stands in for the SDK's SSM client, whose package init
// alone allocated 1.4 MB (a schema of every SSM shape) and which made the
// web binary 4.7 MB bigger, on every cold start (BENCHMARKS.md, section 1);
// the signer and HTTP client it uses are the DynamoDB client's (awsJSON).
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

// GetParameter reads one parameter, decrypted if decrypt is set.
func (c *SSM) GetParameter(ctx context.Context, name string, decrypt bool) (Parameter, error) {
	var out struct {
		Parameter *Parameter
	}
	call := awsJSON{Service: "ssm", Target: "AmazonSSM", Endpoint: c.Endpoint, Region: c.Region, Credentials: c.Credentials, HTTP: c.HTTP}
	in := struct {
		Name           string
		WithDecryption bool
	}{name, decrypt}
	if err := call.do(ctx, "GetParameter", in, &out); err != nil {
		return Parameter{}, err
	}
	if out.Parameter == nil {
		return Parameter{}, errors.New("SSM GetParameter: the answer holds no parameter")
	}
	return *out.Parameter, nil
}
