package present_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/present"
)

// The rules of Answer, one by one, on types made for them; the API's own
// answer types are walked against openapi.json in shared/httpapi
// (TestAnswersNeverNull).

type inner struct {
	Tags   []string         `json:"tags"`
	Counts map[string]int64 `json:"counts"`
}

type hidden struct {
	Fields map[string]string `json:"fields"`
}

type withOwnJSON struct {
	List []int `json:"list"`
}

// MarshalJSON writes the value from its fields, as domain.Notification
// does: Answer fills them before it runs.
func (w withOwnJSON) MarshalJSON() ([]byte, error) {
	type plain withOwnJSON
	return json.Marshal(struct {
		plain
		Extra bool `json:"extra"`
	}{plain: plain(w), Extra: true})
}

type answer struct {
	List      []string            `json:"list"`
	Object    map[string]int64    `json:"object"`
	Absent    []string            `json:"absent,omitempty"`
	AbsentMap map[string]int64    `json:"absentMap,omitempty"`
	Zero      []string            `json:"zero,omitzero"`
	ZeroMap   map[string]int64    `json:"zeroMap,omitzero"`
	Hidden    []string            `json:"hidden" null:"hidden"`
	Skipped   []string            `json:"-"`
	Figure    *int64              `json:"figure"`
	Nested    inner               `json:"nested"`
	Items     []inner             `json:"items"`
	ByName    map[string]inner    `json:"byName"`
	Lists     [][]string          `json:"lists"`
	ListsBy   map[string][]string `json:"listsBy,omitempty"`
	Maybe     *inner              `json:"maybe,omitempty"`
	Any       any                 `json:"any"`
	Own       withOwnJSON         `json:"own"`
	Bytes     []byte              `json:"bytes"`
	Raw       json.RawMessage     `json:"raw"`
	At        time.Time           `json:"at"`
	Array     [2]inner            `json:"array"`
	hidden                        // promoted, as JSON writes it
	private   []string
}

func encode(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(present.Answer(v))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAnswerFillsNilListsAndObjects(t *testing.T) {
	got := encode(t, answer{
		Items:   []inner{{}},
		ByName:  map[string]inner{"a": {}},
		Lists:   [][]string{nil},
		ListsBy: map[string][]string{"x": nil},
		Maybe:   &inner{},
		Any:     inner{},
	})
	for _, c := range []struct {
		path string
		v    any
		want string
	}{
		{"list", got["list"], "[]"},
		{"object", got["object"], "{}"},
		{"nested.tags", got["nested"].(map[string]any)["tags"], "[]"},
		{"nested.counts", got["nested"].(map[string]any)["counts"], "{}"},
		{"items[0].tags", got["items"].([]any)[0].(map[string]any)["tags"], "[]"},
		{"byName.a.counts", got["byName"].(map[string]any)["a"].(map[string]any)["counts"], "{}"},
		{"lists[0]", got["lists"].([]any)[0], "[]"},
		{"listsBy.x", got["listsBy"].(map[string]any)["x"], "[]"},
		{"maybe.tags", got["maybe"].(map[string]any)["tags"], "[]"},
		{"any.tags", got["any"].(map[string]any)["tags"], "[]"},
		{"own.list", got["own"].(map[string]any)["list"], "[]"},
		{"array[1].tags", got["array"].([]any)[1].(map[string]any)["tags"], "[]"},
		{"fields (promoted from an unexported embedded struct)", got["fields"], "{}"},
	} {
		b, _ := json.Marshal(c.v)
		if string(b) != c.want {
			t.Errorf("%s: %s, want %s", c.path, b, c.want)
		}
	}
	if got["own"].(map[string]any)["extra"] != true {
		t.Errorf("a type's own MarshalJSON did not run: %v", got["own"])
	}
}

func TestAnswerKeepsNilsThatMeanSomething(t *testing.T) {
	got := encode(t, answer{})
	for _, absent := range []string{"absent", "absentMap", "zero", "zeroMap", "listsBy", "maybe", "Skipped", "private"} {
		if v, ok := got[absent]; ok {
			t.Errorf("%s: %v, want it left out", absent, v)
		}
	}
	for _, null := range []string{"hidden", "figure", "any", "bytes", "raw"} {
		if v, ok := got[null]; !ok || v != nil {
			t.Errorf("%s: %v (there %v), want null", null, v, ok)
		}
	}
	// Filled, a list in an omitempty or hidden field is answered as it is.
	got = encode(t, answer{Absent: []string{"a"}, Hidden: []string{}, Bytes: []byte("hi"), Raw: json.RawMessage(`{"a":null}`)})
	if b, _ := json.Marshal([]any{got["absent"], got["hidden"], got["bytes"], got["raw"]}); string(b) != `[["a"],[],"aGk=",{"a":null}]` {
		t.Errorf("filled fields answered %s", b)
	}
}

func TestAnswerLeavesItsArgumentAlone(t *testing.T) {
	items := []inner{{}}
	byName := map[string]inner{"a": {}}
	v := answer{Items: items, ByName: byName, Maybe: &inner{}, private: nil, Skipped: nil}
	before := v
	present.Answer(v)
	present.Answer(&v)
	if !reflect.DeepEqual(v, before) || items[0].Tags != nil || byName["a"].Counts != nil || v.Maybe.Tags != nil {
		t.Errorf("Answer changed what it was given: %+v", v)
	}
}

func TestAnswerOfWholeValues(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, "null"},
		{[]string(nil), "[]"},
		{map[string]int(nil), "{}"},
		{"text", `"text"`},
		{time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), `"2026-01-31T00:00:00Z"`},
		{(*inner)(nil), "null"},
		{&inner{}, `{"tags":[],"counts":{}}`},
		{[]*inner{nil}, "[null]"},
	} {
		b, err := json.Marshal(present.Answer(c.v))
		if err != nil || string(b) != c.want {
			t.Errorf("Answer(%#v) = %s %v, want %s", c.v, b, err, c.want)
		}
	}
}

// A type that refers to itself is walked as deep as the value goes.
type tree struct {
	Name     string  `json:"name"`
	Children []*tree `json:"children"`
}

func TestAnswerOfATypeThatRefersToItself(t *testing.T) {
	b, _ := json.Marshal(present.Answer(tree{Name: "a", Children: []*tree{{Name: "b"}}}))
	if string(b) != `{"name":"a","children":[{"name":"b","children":[]}]}` {
		t.Errorf("got %s", b)
	}
}
