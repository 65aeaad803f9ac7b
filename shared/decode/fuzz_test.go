package decode_test

// FuzzQuery fuzzes the strict query-string reader every list and form
// handler reads its parameters through. The rules it must keep are restated
// here, with a query-string reader of the test's own, rather than taken from
// net/url. The seed corpus (f.Add below and testdata/fuzz/FuzzQuery/) runs
// as an ordinary test; see docs/fuzzing.md.

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit/fuzzkit"
)

// fzFail reports a broken property (fuzzkit.Fail: known names a bug
// already reported, which FUNDTRACK_FUZZ_SKIP_KNOWN can look past).
var fzFail = fuzzkit.Fail

// fzUnescape decodes one side of a name=value pair as HTML forms encode
// it: "+" is a space, "%" and two hex digits a byte; any other "%" is an
// error.
func fzUnescape(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) {
				return "", false
			}
			hi, lo := strings.IndexByte("0123456789abcdef", lower(s[i+1])), strings.IndexByte("0123456789abcdef", lower(s[i+2]))
			if hi < 0 || lo < 0 {
				return "", false
			}
			b.WriteByte(byte(hi<<4 | lo))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// fzQuery is the query-string rule, restated: pairs joined by "&" (an
// empty pair is nothing); a pair holding ";" or whose name does not decode
// to UTF-8 is unreadable, named "query"; a readable name whose value does
// not decode to UTF-8, or that is given twice, is bad. It returns the values
// read, the names of bad parameters, and whether some pair was unreadable.
func fzQuery(raw string) (values map[string][]string, bad map[string]bool, unreadable bool) {
	values, bad = map[string][]string{}, map[string]bool{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, ok := fzUnescape(k)
		if strings.Contains(pair, ";") || !ok || !utf8.ValidString(name) {
			unreadable = true
			continue
		}
		value, ok := fzUnescape(v)
		if !ok || !utf8.ValidString(value) || len(values[name]) > 0 {
			bad[name] = true
		}
		values[name] = append(values[name], value)
	}
	return values, bad, unreadable
}

// FuzzQuery: whatever the query string, decode.Query never panics. It
// accepts exactly the query strings the rule above reads cleanly (no
// unreadable pair, no bad parameter), answering what that reading gives:
// each name once, every name and value UTF-8. Otherwise it refuses with a
// validation_failed *domain.Error naming every bad parameter (by a
// non-empty, UTF-8 name) and "query" for an unreadable pair, and nothing
// else.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=5", "limit=5&cursor=abc%3D&user=jo%40example.org", "cursor=%%%", "limit=%zz", "limit=5&cursor=%",
		"%zz=1", "limit=1;cursor=x", "limit=5&limit=100", "user=%ff%fe", "a", "a=", "=", "=1", "&&",
		"a&a", "a=1&&b=2", "a+b=c+d", "a%20b=%2B", "%e2%82%ac=%E2%82%AC", "%ff=1", "a=%e2%82", "a=%e2%82%ac%",
		"a=1&b=%zz&b=2&b=3", "q=a=b=c", "q=%", "q=%4", "q=%4g", "q=\xff", "\xff=1", "q=\x00",
		"q=%00", "a;b", ";", "a=1&a=%zz", "a=%zz&a=1", "%3B=1", "q=%3B", "a=1&b=\xc0\x80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := decode.Query(&http.Request{URL: &url.URL{RawQuery: raw}})
		want, bad, unreadable := fzQuery(raw)
		if err == nil {
			if len(bad) > 0 || unreadable {
				fzFail(t, "", "accepted %q, which has bad parameters %v (an unreadable pair: %v)", raw, slices.Sorted(maps.Keys(bad)), unreadable)
			}
			if !maps.EqualFunc(map[string][]string(q), want, slices.Equal) {
				fzFail(t, "", "read %q as %q, want %q", raw, q, want)
			}
			for k, vs := range q {
				if len(vs) != 1 || !utf8.ValidString(k) || !utf8.ValidString(vs[0]) {
					fzFail(t, "", "accepted %q: parameter %q = %q", raw, k, vs)
				}
			}
			return
		}
		var de *domain.Error
		if !errors.As(err, &de) {
			fzFail(t, "", "%T %v is not a *domain.Error", err, err)
		}
		if de.Code != domain.CodeValidation || de.Message == "" || len(de.Fields) == 0 {
			fzFail(t, "", "refusal %q: code %q, message %q, fields %v", raw, de.Code, de.Message, de.Fields)
		}
		for k, v := range de.Fields {
			if k == "" || v == "" || !utf8.ValidString(k) {
				fzFail(t, "", "refusal of %q names field %q with problem %q", raw, k, v)
			}
		}
		if !unreadable && len(bad) == 0 {
			fzFail(t, "", "refused %q, which is clean: %v", raw, de.Fields)
		}
		if _, named := de.Fields["query"]; named != unreadable && !bad["query"] {
			fzFail(t, "", "refusal of %q names \"query\": %v, but a pair is unreadable: %v", raw, named, unreadable)
		}
		for name := range bad {
			if _, ok := de.Fields[fzFieldName(name)]; !ok {
				fzFail(t, "", "refusal of %q does not name bad parameter %q: %v", raw, name, de.Fields)
			}
		}
		for k := range de.Fields {
			if k != "query" && !bad[k] && !(k == `""` && bad[""]) {
				fzFail(t, "", "refusal of %q names %q, which is not a bad parameter: %v", raw, k, de.Fields)
			}
		}
	})
}

// fzFieldName is how a refusal names a parameter: by its name, or `""`
// for the empty name, as decode.JSON names an empty member name, since a
// field path must be visible.
func fzFieldName(name string) string {
	if name == "" {
		return `""`
	}
	return name
}
