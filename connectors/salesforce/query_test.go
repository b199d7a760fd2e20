package salesforce

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// Three batches of one SOQL result, shaped like Salesforce's Query and
// Query More responses.
var queryPages = map[string]string{
	"/services/data/v62.0/query": `{"totalSize":5,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gRO0000016PIAYA2-2000","records":[` +
		`{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003RO0000035WQgYAM"},"Id":"003RO0000035WQgYAM","Name":"John Smith"},` +
		`{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003RO0000035WQhYAM"},"Id":"003RO0000035WQhYAM","Name":"Jane Doe"}]}`,
	"/services/data/v62.0/query/01gRO0000016PIAYA2-2000": `{"totalSize":5,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gRO0000016PIAYA2-4000","records":[` +
		`{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003RO0000035WQiYAM"},"Id":"003RO0000035WQiYAM","Name":"Ada Lovelace"},` +
		`{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003RO0000035WQjYAM"},"Id":"003RO0000035WQjYAM","Name":"Alan Turing"}]}`,
	"/services/data/v62.0/query/01gRO0000016PIAYA2-4000": `{"totalSize":5,"done":true,"records":[` +
		`{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003RO0000035WQkYAM"},"Id":"003RO0000035WQkYAM","Name":"Grace Hopper"}]}`,
}

const soqlContacts = "SELECT Id, Name FROM Contact WHERE Account.Name = 'O\\'Reilly'"

func pagedOrg(t *testing.T) *fakeOrg {
	org := newFakeOrg(t)
	org.api = func(w http.ResponseWriter, r *http.Request) {
		body, ok := queryPages[r.URL.Path]
		if !ok || r.Method != http.MethodGet {
			writeBody(w, http.StatusNotFound, bodyNotFound)
			return
		}
		if r.URL.Path == "/services/data/v62.0/query" && r.URL.Query().Get("q") != soqlContacts {
			writeBody(w, http.StatusBadRequest, bodyMalformedQuery)
			return
		}
		writeBody(w, http.StatusOK, body)
	}
	return org
}

func TestQueryFollowsNextRecordsURL(t *testing.T) {
	org := pagedOrg(t)
	c := org.client(nil)
	records, err := c.Query(context.Background(), soqlContacts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"John Smith", "Jane Doe", "Ada Lovelace", "Alan Turing", "Grace Hopper"}
	if len(records) != len(want) {
		t.Fatalf("got %d records, want %d", len(records), len(want))
	}
	for i, name := range want {
		if got := records[i].String("Name"); got != name {
			t.Errorf("record %d Name = %q, want %q", i, got, name)
		}
	}
	if n := org.apiRequests(); n != 3 {
		t.Errorf("API requests = %d, want 3", n)
	}
}

func TestQueryEachStopsOnCallbackError(t *testing.T) {
	org := pagedOrg(t)
	c := org.client(nil)
	stop := errors.New("enough")
	seen := 0
	err := c.QueryEach(context.Background(), soqlContacts, func(Record) error {
		seen++
		if seen == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the callback's", err)
	}
	if n := org.apiRequests(); n != 2 {
		t.Errorf("API requests = %d, want 2 (no page after the error)", n)
	}
}

func TestQueryError(t *testing.T) {
	org := pagedOrg(t)
	c := org.client(nil)
	_, err := c.Query(context.Background(), "SELECT Id FORM Contact")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Code != "MALFORMED_QUERY" || apiErr.Message != "unexpected token: FORM" {
		t.Fatalf("err = %v", err)
	}
	if org.apiRequests() != 1 {
		t.Error("a malformed query was retried")
	}
}

func TestEscapeSOQL(t *testing.T) {
	for in, want := range map[string]string{
		"Acme":          "Acme",
		"O'Reilly":      `O\'Reilly`,
		`back\slash`:    `back\\slash`,
		`say "hi"`:      `say \"hi\"`,
		"two\nlines\t.": `two\nlines\t.`,
		`\'`:            `\\\'`,
		"50% off_now":   "50% off_now",
	} {
		if got := EscapeSOQL(in); got != want {
			t.Errorf("EscapeSOQL(%q) = %q, want %q", in, got, want)
		}
	}
}
