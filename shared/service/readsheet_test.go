package service_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A file over 4 MiB is told how to fit: a CSV file to split its rows (not
// to "send it as CSV", which it is), a workbook to split or be sent as CSV,
// whose figures take less room than a workbook's formatting.
func TestImportTooLargeSaysHowToFit(t *testing.T) {
	w := newWorld(t)
	for media, want := range map[string]string{
		domain.MediaCSV:  "the file is larger than 4 MiB: split its rows into two or more files",
		domain.MediaXLSX: "the file is larger than 4 MiB: split it, or send it as CSV",
	} {
		_, err := w.open(lead).Import(service.ImportFile{MediaType: media, Data: make([]byte, domain.MaxImportBytes+1)}, true)
		wantCode(t, media, err, domain.CodeTooLarge)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", media, err, want)
		}
	}
}
