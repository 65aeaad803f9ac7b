package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestWithTextNamesEveryField: the personal-data guard's problems are
// named together with the other checks' (400, each field once, a field's
// own problem kept); alone, they are the guard's 422; an error that is not
// about fields is passed on as it is.
func TestWithTextNamesEveryField(t *testing.T) {
	in := domain.ProgrammeInput{Name: "P\t1", LeadOrganisation: "call 020 7946 0958"}
	verr := in.Validate()
	if domain.ErrorCode(verr) != domain.CodeValidation {
		t.Fatalf("Validate: %v", verr)
	}
	var de *domain.Error
	if err := domain.WithText(verr, in); !errors.As(err, &de) || de.Code != domain.CodeValidation ||
		!strings.Contains(de.Fields["leadOrganisation"], "phone number") || de.Fields["name"] == "" || de.Fields["startDate"] == "" {
		t.Errorf("with other problems: %#v", err)
	}
	ok := domain.ProgrammeInput{Name: "P", LeadOrganisation: "call 020 7946 0958"}
	if err := domain.WithText(nil, ok); !errors.As(err, &de) || de.Code != domain.CodePersonalData || len(de.Fields) != 1 {
		t.Errorf("alone: %#v", err)
	}
	// A field with a problem of its own keeps it.
	own := &domain.Error{Code: domain.CodeValidation, Message: "m", Fields: map[string]string{"leadOrganisation": "must be at most 200 characters"}}
	if err := domain.WithText(own, in); !errors.As(err, &de) || de.Fields["leadOrganisation"] != "must be at most 200 characters" {
		t.Errorf("a field's own problem: %#v", err)
	}
	// A body that is not JSON, or a refusal of another kind: as it is.
	for _, err := range []error{
		&domain.Error{Code: domain.CodeValidation, Message: "m", Fields: map[string]string{domain.BodyField: "must be JSON"}},
		domain.NotFound("programme"),
	} {
		if got := domain.WithText(err, in); got != err {
			t.Errorf("WithText(%v) = %v, want it as it is", err, got)
		}
	}
	if err := domain.WithText(nil, domain.ProgrammeInput{Name: "P"}); err != nil {
		t.Errorf("clean: %v", err)
	}
}
