// Command token mints a token the local runner accepts, signed with
// FUNDTRACK_LOCAL_JWT_SECRET (or the default local secret), and prints it
// alone on stdout so a script can capture it:
//
//	TOKEN=$(go run ./infra/token -email lead@example.org -groups admins)
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
)

func main() {
	email := flag.String("email", "", "email of the caller (required)")
	groups := flag.String("groups", "", "Cognito groups, comma or space separated")
	ttl := flag.Duration("ttl", 12*time.Hour, "how long the token is valid")
	sub := flag.String("sub", "", "subject; by default derived from the email")
	flag.Parse()

	if strings.TrimSpace(*email) == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: token -email ADDRESS [-groups a,b] [-ttl 12h] [-sub ID]")
		os.Exit(2)
	}
	list := strings.FieldsFunc(*groups, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	token, err := auth.MintLocal([]byte(auth.LocalSecretFromEnv()), *email, *sub, list, *ttl, time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "token:", err)
		os.Exit(1)
	}
	fmt.Println(token)
}
