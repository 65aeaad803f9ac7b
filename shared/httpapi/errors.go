package httpapi

import (
	"errors"
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
)

type errorBody struct {
	Error struct {
		Code    domain.Code       `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// writeError answers with the SPEC's error shape. Internal failures say
// only the request id; their detail goes to the log.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var body errorBody
	p := present.Of(err)
	body.Error.Code = p.Code
	var de *domain.Error
	if errors.As(err, &de) && p.Status < 500 {
		body.Error.Message, body.Error.Fields = de.Message, de.Fields
	} else {
		id := s.requestID(r)
		s.Logger.Error("request failed", "requestId", id, "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
		body.Error.Message = "something went wrong on our side; quote request id " + id
		if p.Status == http.StatusServiceUnavailable {
			body.Error.Message = "the service is briefly unavailable; try again (request id " + id + ")"
			w.Header().Set("Retry-After", "1")
		}
		if de != nil && de.Public {
			body.Error.Message = de.Message + " (request id " + id + ")"
		}
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fundtrack"`)
	}
	writeJSON(w, p.Status, body)
}
