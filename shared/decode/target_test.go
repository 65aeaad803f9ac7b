package decode_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestTarget: a request-target whose path has a % not followed by two
// hexadecimal digits is refused, 400 naming the path; a well-formed one
// (escapes, %25, a query the path's check leaves to Query), or a request
// built in process with no RequestURI, is not.
func TestTarget(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/programmes/p1", nil)
	for target, bad := range map[string]bool{
		"/programmes/%zz": true, "/programmes/p1/members/a%": true, "/a/%4": true, "/%ZZ/edit?x=1": true,
		"/programmes/p1": false, "/a%20b/%25zz": false, "/a?cursor=%zz": false, "": false,
	} {
		r.RequestURI = target
		err := decode.Target(r)
		var de *domain.Error
		if bad != (err != nil) || (bad && (!errors.As(err, &de) || de.Code != domain.CodeValidation || de.Fields["path"] != decode.ProblemTarget)) {
			t.Errorf("%q: %v", target, err)
		}
	}
}
