// Command hello is the baseline for the cold-start benchmark: the smallest
// aws-lambda-go function, built exactly like the functions in functions/.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, json.RawMessage) (string, error) { return "hello", nil })
}
