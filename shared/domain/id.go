package domain

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// crockford is Crockford's base32 alphabet: ids are case-insensitive-safe and
// sort in the order they were made.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// NewID returns a 26-character id: 48 bits of milliseconds then 80 random
// bits (the ULID layout), so ids sort by creation time and lists keyed by them
// come back in the order things were recorded. Within one process they
// are strictly increasing, as ULID's monotonic mode makes them: an id made
// in the same millisecond as the last (an import's rows, made in a loop) is
// the last plus one, so those rows list in the order they were made, not
// in the order of their random bits.
func NewID() string { return ids.at(time.Now()) }

var ids idSource

// idSource makes increasing ids; it remembers the last it made.
type idSource struct {
	mu     sync.Mutex
	hi, lo uint64
}

func (src *idSource) at(t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	src.mu.Lock()
	if hi>>16 <= src.hi>>16 { // the same millisecond as the last, or the clock went back
		hi, lo = src.hi, src.lo+1
		if lo == 0 {
			hi++
		}
	}
	src.hi, src.lo = hi, lo
	src.mu.Unlock()
	return encodeID(hi, lo)
}

// encodeID writes 128 bits as 26 base32 digits, most significant first.
func encodeID(hi, lo uint64) string {
	out := make([]byte, 26)
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out)
}

// ValidID reports whether s could be an id made by NewID; anything else in a
// path is refused before it reaches the database.
func ValidID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') || c == 'i' || c == 'l' || c == 'o' || c == 'u' {
			return false
		}
	}
	return true
}
