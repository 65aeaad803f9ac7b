package web

import (
	"net/url"
	"reflect"
	"testing"
)

func TestFormAreas(t *testing.T) {
	f := newForm([]field{{"beneficiaryLocations", kAreas, "Areas served"}}, url.Values{
		"beneficiaryLocations": {" E06000016 Leicester \r\nE10000018: Leicestershire\n\nE06000017,Rutland\nE06000017"}})
	got, bad := f.body()
	if len(bad) != 0 {
		t.Fatal(bad)
	}
	want := []map[string]string{{"geoCode": "E06000016", "name": "Leicester"}, {"geoCode": "E10000018", "name": "Leicestershire"},
		{"geoCode": "E06000017,Rutland", "name": ""}, {"geoCode": "E06000017", "name": ""}}
	if !reflect.DeepEqual(got["beneficiaryLocations"], want) {
		t.Errorf("areas %v, want %v (a line the API will refuse is passed on as typed)", got["beneficiaryLocations"], want)
	}
	if got, _ := newForm([]field{{"beneficiaryLocations", kAreas, "Areas"}}, url.Values{}).body(); !reflect.DeepEqual(got["beneficiaryLocations"], []map[string]string{}) {
		t.Errorf("no areas: %v, want an empty list", got["beneficiaryLocations"])
	}
}
