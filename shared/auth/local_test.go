package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/domain"
)

var (
	testSecret = []byte("test-secret")
	testNow    = time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
)

func testLocal() Local {
	return Local{Secret: testSecret, Issuer: LocalIssuer, Now: func() time.Time { return testNow }}
}

// goodClaims is a valid payload; cases change one thing each.
func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss":            LocalIssuer,
		"sub":            "user-1",
		"email":          "Lead@Example.org",
		"cognito:groups": []string{"admins", "leads"},
		"iat":            testNow.Unix(),
		"exp":            testNow.Add(time.Hour).Unix(),
	}
}

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func b64(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// withHeader keeps a token's payload and signature but replaces its header.
func withHeader(t *testing.T, token string, header map[string]string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	return b64(t, header) + "." + parts[1] + "." + parts[2]
}

func authenticate(l Local, authorization ...string) (domain.Identity, error) {
	r := httptest.NewRequest(http.MethodGet, "/programmes", nil)
	for _, a := range authorization {
		r.Header.Add("Authorization", a)
	}
	return l.Authenticate(r)
}

func assertUnauthenticated(t *testing.T, err error, token string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeUnauthenticated {
		t.Fatalf("err = %v, want an unauthenticated *domain.Error", err)
	}
	if token != "" && strings.Contains(de.Error(), token) {
		t.Fatalf("error echoes the token: %v", de)
	}
}

func TestLocalAccepts(t *testing.T) {
	spaced := goodClaims()
	spaced["cognito:groups"] = "admins  leads"
	noGroups := goodClaims()
	delete(noGroups, "cognito:groups")
	nullGroups := goodClaims()
	nullGroups["cognito:groups"] = nil
	verified := goodClaims()
	verified["email_verified"] = true
	verifiedText := goodClaims()
	verifiedText["email_verified"] = "true"
	fraction := goodClaims() // a NumericDate may hold fractions of a second
	fraction["exp"] = float64(testNow.Add(time.Hour).Unix()) + 0.5
	minted, err := MintLocal(testSecret, "Lead@Example.org", "user-1", []string{"admins", "leads"}, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}

	both := []string{"admins", "leads"}
	for _, tc := range []struct {
		name   string
		header string
		groups []string
	}{
		{"array groups", "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, goodClaims()), both},
		{"space-separated groups", "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, spaced), both},
		{"no groups", "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, noGroups), nil},
		{"null groups", "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, nullGroups), nil},
		{"lower-case scheme", "bearer " + sign(t, jwt.SigningMethodHS256, testSecret, goodClaims()), both},
		{"minted", "Bearer " + minted, both},
		{"email verified", "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, verified), both},
		{"email verified, as text", "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, verifiedText), both},
		{"exp with a fraction", "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, fraction), both},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := authenticate(testLocal(), tc.header)
			if err != nil {
				t.Fatal(err)
			}
			want := domain.Identity{Subject: "user-1", Email: "lead@example.org", Groups: tc.groups}
			if !reflect.DeepEqual(id, want) {
				t.Fatalf("identity = %+v, want %+v", id, want)
			}
		})
	}
}

func TestLocalRefuses(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good := sign(t, jwt.SigningMethodHS256, testSecret, goodClaims())
	hs512 := sign(t, jwt.SigningMethodHS512, testSecret, goodClaims())
	rs256 := sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims())
	without := func(key string) jwt.MapClaims {
		c := goodClaims()
		delete(c, key)
		return c
	}
	with := func(key string, v any) jwt.MapClaims {
		c := goodClaims()
		c[key] = v
		return c
	}
	hs256 := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, testSecret, c) }
	none := b64(t, map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(t, goodClaims()) + "."

	for _, tc := range []struct {
		name    string
		headers []string
		local   Local
	}{
		{name: "missing header"},
		{name: "empty header", headers: []string{""}},
		{name: "basic scheme", headers: []string{"Basic dXNlcjpwYXNz"}},
		{name: "token without scheme", headers: []string{good}},
		{name: "bearer without token", headers: []string{"Bearer "}},
		{name: "two authorization headers", headers: []string{"Bearer " + good, "Bearer " + good}},
		{name: "garbage", headers: []string{"Bearer not.a.jwt"}},
		{name: "expired", headers: []string{"Bearer " + hs256(with("exp", testNow.Add(-time.Second).Unix()))}},
		{name: "not yet valid", headers: []string{"Bearer " + hs256(with("nbf", testNow.Add(time.Hour).Unix()))}},
		{name: "no exp", headers: []string{"Bearer " + hs256(without("exp"))}},
		// A NumericDate is a JSON number (RFC 7519), not text holding one.
		{name: "exp as text", headers: []string{"Bearer " + hs256(with("exp", strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10)))}},
		{name: "exp null", headers: []string{"Bearer " + hs256(with("exp", nil))}},
		{name: "exp true", headers: []string{"Bearer " + hs256(with("exp", true))}},
		{name: "nbf as text", headers: []string{"Bearer " + hs256(with("nbf", strconv.FormatInt(testNow.Unix(), 10)))}},
		{name: "iat as text", headers: []string{"Bearer " + hs256(with("iat", strconv.FormatInt(testNow.Unix(), 10)))}},
		{name: "wrong issuer", headers: []string{"Bearer " + hs256(with("iss", "someone-else"))}},
		{name: "no issuer", headers: []string{"Bearer " + hs256(without("iss"))}},
		{name: "wrong secret", headers: []string{"Bearer " + sign(t, jwt.SigningMethodHS256, []byte("other"), goodClaims())}},
		{name: "empty configured secret", headers: []string{"Bearer " + sign(t, jwt.SigningMethodHS256, []byte{}, goodClaims())},
			local: Local{Now: func() time.Time { return testNow }}},
		{name: "alg none", headers: []string{"Bearer " + none}},
		{name: "HS512 signed", headers: []string{"Bearer " + hs512}},
		{name: "RS256 signed", headers: []string{"Bearer " + rs256}},
		{name: "HS512 relabelled HS256", headers: []string{"Bearer " + withHeader(t, hs512, map[string]string{"alg": "HS256", "typ": "JWT"})}},
		{name: "RS256 relabelled HS256", headers: []string{"Bearer " + withHeader(t, rs256, map[string]string{"alg": "HS256", "typ": "JWT"})}},
		{name: "HS256 relabelled HS512", headers: []string{"Bearer " + withHeader(t, good, map[string]string{"alg": "HS512", "typ": "JWT"})}},
		{name: "HS256 relabelled none", headers: []string{"Bearer " + withHeader(t, good, map[string]string{"alg": "none", "typ": "JWT"})}},
		{name: "missing email", headers: []string{"Bearer " + hs256(without("email"))}},
		{name: "blank email", headers: []string{"Bearer " + hs256(with("email", "  "))}},
		{name: "email not an address", headers: []string{"Bearer " + hs256(with("email", "lead"))}},
		{name: "email with a display name", headers: []string{"Bearer " + hs256(with("email", "Lead <lead@example.org>"))}},
		{name: "two emails", headers: []string{"Bearer " + hs256(with("email", "lead@example.org, admin@example.org"))}},
		{name: "email with a zero-width space", headers: []string{"Bearer " + hs256(with("email", "le\u200bad@example.org"))}},
		{name: "email with a newline", headers: []string{"Bearer " + hs256(with("email", "lead@example.org\nx"))}},
		{name: "email not verified", headers: []string{"Bearer " + hs256(with("email_verified", false))}},
		{name: "email not verified, as text", headers: []string{"Bearer " + hs256(with("email_verified", "false"))}},
		{name: "email_verified not a flag", headers: []string{"Bearer " + hs256(with("email_verified", 1))}},
		{name: "missing sub", headers: []string{"Bearer " + hs256(without("sub"))}},
		{name: "groups not text", headers: []string{"Bearer " + hs256(with("cognito:groups", 42))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.local
			if l.Secret == nil && l.Now == nil {
				l = testLocal()
			}
			id, err := authenticate(l, tc.headers...)
			token := ""
			if len(tc.headers) > 0 {
				_, token, _ = strings.Cut(tc.headers[0], " ")
			}
			assertUnauthenticated(t, err, token)
			if !reflect.DeepEqual(id, domain.Identity{}) {
				t.Fatalf("identity = %+v alongside an error", id)
			}
		})
	}
}

// TestIdentityEmailFoldsASCIICaseOnly: a token's email is the member's
// address apart from ASCII case and spaces; a look-alike whose letters
// Unicode folds to ASCII (U+0130, U+212A) stays the different address it is.
func TestIdentityEmailFoldsASCIICaseOnly(t *testing.T) {
	for email, want := range map[string]string{
		" Lead@Example.ORG ":                "lead@example.org",
		"l\u0130zz\u0130e.lead@example.org": "l\u0130zz\u0130e.lead@example.org",
		"\u212aay.funder@example.org":       "\u212aay.funder@example.org",
	} {
		c := goodClaims()
		c["email"] = email
		id, err := authenticate(testLocal(), "Bearer "+sign(t, jwt.SigningMethodHS256, testSecret, c))
		if err != nil {
			t.Fatalf("%q: %v", email, err)
		}
		if id.Email != want {
			t.Errorf("%q is the identity %q, want %q", email, id.Email, want)
		}
	}
}

func TestLocalDefaultsIssuer(t *testing.T) {
	l := Local{Secret: testSecret, Now: func() time.Time { return testNow }}
	_, err := authenticate(l, "Bearer "+sign(t, jwt.SigningMethodHS256, testSecret, func() jwt.MapClaims {
		c := goodClaims()
		c["iss"] = "someone-else"
		return c
	}()))
	assertUnauthenticated(t, err, "")
}

func TestLocalFromEnv(t *testing.T) {
	t.Setenv(LocalSecretEnv, "")
	if got := string(LocalFromEnv().Secret); got != DefaultLocalSecret {
		t.Fatalf("secret = %q, want the default", got)
	}
	t.Setenv(LocalSecretEnv, "from-env")
	l := LocalFromEnv()
	if string(l.Secret) != "from-env" || l.Issuer != LocalIssuer {
		t.Fatalf("LocalFromEnv() = %+v", l)
	}
}

// someoneSubject is LocalSubject("someone@example.org"), worked out apart
// from the code (printf someone@example.org | sha256sum): local users'
// subjects are in every audit entry they made, so the rule must not drift.
const someoneSubject = "local-79a6123c2db3b110"

// TestLocalSubject pins the local subject rule that the local API tokens
// and the local web sign-in (infra/websignin) share.
func TestLocalSubject(t *testing.T) {
	for _, email := range []string{"someone@example.org", " Someone@Example.ORG "} {
		if got := LocalSubject(email); got != someoneSubject {
			t.Errorf("LocalSubject(%q) = %q, want %q", email, got, someoneSubject)
		}
	}
	if got := LocalSubject("someone.else@example.org"); got == someoneSubject {
		t.Errorf("two people share the subject %q", got)
	}
}

func TestMintLocal(t *testing.T) {
	token, err := MintLocal(testSecret, " Someone@Example.org ", "", nil, time.Hour, testNow)
	if err != nil {
		t.Fatal(err)
	}
	id, err := authenticate(testLocal(), "Bearer "+token)
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "someone@example.org" || id.Groups != nil || id.Subject != someoneSubject {
		t.Fatalf("identity = %+v", id)
	}
	// A minted token says its email is verified, as a Cognito ID token does.
	var mc jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &mc); err != nil || mc["email_verified"] != true {
		t.Errorf("minted claims %v (%v), want email_verified true", mc, err)
	}
	// Its times are NumericDates: numbers, as Local requires.
	if exp, ok := mc["exp"].(float64); !ok || int64(exp) != testNow.Add(time.Hour).Unix() || mc["iat"] != float64(testNow.Unix()) || mc["nbf"] != nil {
		t.Errorf("minted times exp %v, iat %v, nbf %v", mc["exp"], mc["iat"], mc["nbf"])
	}
	again, err := MintLocal(testSecret, "someone@example.org", "", nil, time.Minute, testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	l := testLocal()
	l.Now = func() time.Time { return testNow.Add(time.Hour) }
	id2, err := authenticate(l, "Bearer "+again)
	if err != nil {
		t.Fatal(err)
	}
	if id2.Subject != id.Subject {
		t.Fatalf("derived subject not stable: %q then %q", id.Subject, id2.Subject)
	}

	// The token expires after ttl.
	l.Now = func() time.Time { return testNow.Add(time.Hour + 2*time.Minute) }
	_, err = authenticate(l, "Bearer "+again)
	assertUnauthenticated(t, err, again)

	for name, mint := range map[string]func() (string, error){
		"empty secret": func() (string, error) { return MintLocal(nil, "a@b.c", "", nil, time.Hour, testNow) },
		"empty email":  func() (string, error) { return MintLocal(testSecret, " ", "", nil, time.Hour, testNow) },
		"zero ttl":     func() (string, error) { return MintLocal(testSecret, "a@b.c", "", nil, 0, testNow) },
	} {
		if _, err := mint(); err == nil {
			t.Errorf("%s: MintLocal succeeded", name)
		}
	}
}
