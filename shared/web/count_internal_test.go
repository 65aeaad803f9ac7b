package web

import "testing"

// TestCountText: the pages' count func groups thousands for the whole
// number types templates hand it (int64 counts, int lengths), and fails
// the render for anything else rather than print it wrong.
func TestCountText(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{int64(0), "0"}, {int64(999), "999"}, {int64(1999), "1,999"}, {int64(-1234567), "-1,234,567"},
		{2000, "2,000"}, {int32(100000), "100,000"},
	} {
		if got, err := countText(c.in); err != nil || got != c.want {
			t.Errorf("count %T %v = %q, %v; want %q", c.in, c.in, got, err, c.want)
		}
	}
	for _, bad := range []any{"1999", 1999.5, nil} {
		if got, err := countText(bad); err == nil {
			t.Errorf("count %T %v = %q, want an error", bad, bad, got)
		}
	}
}
