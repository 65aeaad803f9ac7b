package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestIfMatchNamesAVersion: If-Match is "*" alone, or entity tags each
// holding a version as the API writes its ETags ("3"). A header that is
// not that ("-1", a tag without its quotes, "*" among tags, a tag holding
// no version) names no version the client read: 400 naming If-Match, at
// once, with nothing changed, never taken for "*" (audit-surface W1: a
// "-1" was tried sixteen times before its 412, and under load answered
// 503). Tags holding versions that are not the record's are stale: 412;
// a weak tag never matches (RFC 9110's strong comparison): 412 too.
func TestIfMatchNamesAVersion(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	G := f.p1("/grants/" + f.GrantXA)
	patch := func(tag string, title string) testkit.Resp {
		return h.Do(t, testkit.Request(http.MethodPatch, G, uLead, map[string]any{"title": title}, "If-Match", tag))
	}
	etag := h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, G, uLead, nil)).Header.Get("ETag")
	if etag != `"1"` {
		t.Fatalf("the grant's ETag is %s, want \"1\"", etag)
	}
	before := h.Snapshot(t)
	for _, tag := range []string{`"-1"`, `-1`, `1`, `"abc"`, `"1.0"`, `"01"`, `"+1"`, `"1 "`, `""`, `*, "1"`, `"1", *`,
		`"1", "-1"`, `"-1", "1"`, `W/"-1"`, `W/1`, `w/"1"`, `,`, ` , `, `"1" "2"`, `'1'`, `“1”`, `"9223372036854775808"`} {
		r := patch(tag, "Renamed")
		if r.Status != http.StatusBadRequest {
			t.Errorf("If-Match: %s: %s, want 400 naming If-Match", tag, r)
			continue
		}
		testkit.WantFields(t, r, "If-Match")
	}
	for _, tag := range []string{`"999"`, `"0"`, `W/"1"`, `"2", W/"1"`} {
		testkit.WantErr(t, patch(tag, "Renamed"), http.StatusPreconditionFailed, "precondition_failed")
	}
	testkit.SameSnapshot(t, "refused If-Match headers", before, h.Snapshot(t))

	// Versions the API wrote: the current one, among others and beside
	// empty list elements, lets the change through; so does "*".
	for i, tag := range []string{`"1"`, `, "2" ,`, `"7", "3"`, `W/"4", "4"`, `*`} {
		if r := patch(tag, "Renamed "+strconv.Itoa(i)); r.Status != http.StatusOK {
			t.Errorf("If-Match: %s: %s, want 200", tag, r)
		}
	}
}
