package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// signed makes an HS256-family token over arbitrary claims.
func signed(t *testing.T, method jwt.SigningMethod, secret string, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func b64(v any) string {
	raw, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// TestAPITokens: every kind of bad credential gets 401 unauthenticated in the
// SPEC's error shape on a protected route, with a Bearer challenge, and the
// message never echoes the token.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	pid, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Token programme"))
	h.PutMember(t, pid, uLead, testkit.RoleLead())
	path := "/programmes/" + pid

	now := time.Now()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": auth.LocalIssuer, "sub": "sub-lead", "email": uLead,
			"cognito:groups": []string{}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	without := func(k string) jwt.MapClaims { c := good(); delete(c, k); return c }
	with := func(k string, v any) jwt.MapClaims { c := good(); c[k] = v; return c }

	valid := signed(t, jwt.SigningMethodHS256, testkit.Secret, good())
	expired, err := auth.MintLocal([]byte(testkit.Secret), uLead, "", nil, time.Hour, now.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	// A lead's token whose payload claims admin, keeping the lead's signature.
	tampered := parts[0] + "." + b64(with("cognito:groups", []string{"admins"})) + "." + parts[2]
	algNone := b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(good()) + "."
	algNoneSigned := b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(good()) + "." + parts[2]

	cases := []struct {
		name   string
		header []string // Authorization values; nil sends none
	}{
		{"missing", nil},
		{"empty", []string{""}},
		{"bearer without token", []string{"Bearer "}},
		{"basic scheme", []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("lead:pw"))}},
		{"token without scheme", []string{valid}},
		{"garbage", []string{"Bearer not-a-jwt"}},
		{"garbage with dots", []string{"Bearer a.b.c"}},
		{"expired", []string{"Bearer " + expired}},
		{"wrong secret", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, auth.DefaultLocalSecret, good())}},
		{"alg none", []string{"Bearer " + algNone}},
		{"alg none with a signature", []string{"Bearer " + algNoneSigned}},
		{"HS512 with the right secret", []string{"Bearer " + signed(t, jwt.SigningMethodHS512, testkit.Secret, good())}},
		{"wrong issuer", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, with("iss", "someone-else"))}},
		{"no issuer", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, without("iss"))}},
		{"no exp", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, without("exp"))}},
		// A NumericDate is a JSON number (RFC 7519), not text (audit N6).
		{"exp as text", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, with("exp", strconv.FormatInt(now.Add(time.Hour).Unix(), 10)))}},
		{"not yet valid", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, with("nbf", now.Add(time.Hour).Unix()))}},
		{"no email", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, without("email"))}},
		{"no subject", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, without("sub"))}},
		{"groups of the wrong type", []string{"Bearer " + signed(t, jwt.SigningMethodHS256, testkit.Secret, with("cognito:groups", 7))}},
		{"tampered payload", []string{"Bearer " + tampered}},
		{"two Authorization headers", []string{"Bearer " + valid, "Bearer " + valid}},
	}
	t.Run("refused", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				for _, req := range []struct{ method, path string }{{"GET", path}, {"GET", "/programmes"}, {"POST", path + "/funders"}} {
					hr, _ := http.NewRequest(req.method, h.URL+req.path, strings.NewReader(`{"name":"F","contacts":["a@b.org"]}`))
					hr.Header.Set("Content-Type", "application/json")
					for _, v := range c.header {
						hr.Header.Add("Authorization", v)
					}
					res, err := http.DefaultClient.Do(hr)
					if err != nil {
						t.Fatal(err)
					}
					r := testkit.Resp{Status: res.StatusCode, Header: res.Header}
					r.Body, _ = io.ReadAll(res.Body)
					res.Body.Close()
					e := testkit.WantErr(t, r, http.StatusUnauthorized, "unauthenticated")
					if len(e.Fields) != 0 {
						t.Errorf("401 names fields: %v", e.Fields)
					}
					if ch := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer") {
						t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", ch)
					}
					for _, v := range c.header {
						if tok := strings.TrimPrefix(v, "Bearer "); len(tok) > 8 && strings.Contains(string(r.Body), tok) {
							t.Errorf("401 echoes the token: %s", r.Body)
						}
					}
				}
			})
		}
	})
	// Nothing the bad tokens tried to create was stored.
	if fs := testkit.ListAll[apiIDed](t, h, uAdmin, path+"/funders"); len(fs) != 0 {
		t.Errorf("requests with bad tokens stored funders: %+v", fs)
	}

	t.Run("controls", func(t *testing.T) {
		// The same claims, properly signed, are accepted.
		hr, _ := http.NewRequest("GET", h.URL+path, nil)
		hr.Header.Set("Authorization", "Bearer "+valid)
		if res, err := http.DefaultClient.Do(hr); err != nil || res.StatusCode != 200 {
			t.Fatalf("valid token: %v %v", res.Status, err)
		}
		// cognito:groups as a space-separated string makes an admin.
		adm := signed(t, jwt.SigningMethodHS256, testkit.Secret, jwt.MapClaims{"iss": auth.LocalIssuer, "sub": "s2",
			"email": "boss@example.org", "cognito:groups": "staff admins", "exp": now.Add(time.Hour).Unix()})
		hr, _ = http.NewRequest("GET", h.URL+path, nil)
		hr.Header.Set("Authorization", "bearer "+adm)
		if res, err := http.DefaultClient.Do(hr); err != nil || res.StatusCode != 200 {
			t.Fatalf("admin by space-separated groups on a non-member programme: %v %v", res.Status, err)
		}
		// /health needs no token, and ignores a bad one.
		hr, _ = http.NewRequest("GET", h.URL+"/health", nil)
		hr.Header.Set("Authorization", "Bearer garbage")
		if res, err := http.DefaultClient.Do(hr); err != nil || res.StatusCode != 200 {
			t.Fatalf("health with a bad token: %v %v", res.Status, err)
		}
	})
}
