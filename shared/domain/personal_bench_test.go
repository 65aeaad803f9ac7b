package domain_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// BenchmarkCheckPersonalData runs the guard over every note of both
// corpora (clean notes and notes with personal data), one note a call: the
// cost of the guard per note as programmes write them.
func BenchmarkCheckPersonalData(b *testing.B) {
	var notes []string
	for _, c := range readCorpus(b, "testdata/personal/clean.txt", false) {
		notes = append(notes, c.text)
	}
	for _, c := range readCorpus(b, "testdata/personal/personal.txt", true) {
		notes = append(notes, c.text)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range notes {
			_ = domain.CheckPersonalData("notes", n)
		}
	}
}

// BenchmarkCheckPersonalDataLongNote runs the guard over one long clean
// note (the clean corpus, one note a line): the cost of a large imported
// cell or a long description, where every word is read.
func BenchmarkCheckPersonalDataLongNote(b *testing.B) {
	var notes []string
	for _, c := range readCorpus(b, "testdata/personal/clean.txt", false) {
		notes = append(notes, c.text)
	}
	long := strings.Join(notes, "\n")
	b.SetBytes(int64(len(long)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = domain.CheckPersonalData("notes", long)
	}
}
