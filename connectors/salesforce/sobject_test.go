package salesforce

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
)

// Answers of PATCH /sobjects/{object}/{field}/{value} (REST API guide,
// "Insert or Update (Upsert) a Record Using an External ID").
const (
	bodyUpsertCreated = `{"id":"001Dn00000ZBr4TIAT","success":true,"errors":[],"created":true}`
	bodyUpsertUpdated = `{"id":"001Dn00000ZBr4TIAT","success":true,"errors":[],"created":false}`
	bodyMatches       = `["/services/data/v62.0/sobjects/Account/001Dn00000ZBr4TIAT","/services/data/v62.0/sobjects/Account/001Dn00000ZBr4UIAT"]`
	bodyCreated       = `{"id":"001Dn00000ZBr4VIAT","success":true,"errors":[]}`
)

func TestUpsert(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		body     string
		want     UpsertResult
		wantCode string // non-empty: an *APIError with this code
		matches  int
	}{
		{name: "201 created", status: 201, body: bodyUpsertCreated, want: UpsertResult{ID: "001Dn00000ZBr4TIAT", Created: true, Success: true, Errors: []RecordError{}}},
		{name: "200 updated", status: 200, body: bodyUpsertUpdated, want: UpsertResult{ID: "001Dn00000ZBr4TIAT", Success: true, Errors: []RecordError{}}},
		{name: "204 updated before API 46.0", status: 204, want: UpsertResult{Success: true}},
		{name: "300 several matches", status: 300, body: bodyMatches, wantCode: CodeMultipleChoices, matches: 2},
		{name: "400 validation", status: 400, body: bodyRequiredField, wantCode: "REQUIRED_FIELD_MISSING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newFakeOrg(t)
			var gotBody map[string]any
			org.api = func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPatch || r.URL.EscapedPath() != "/services/data/v62.0/sobjects/Account/NetSuite_Id__c/CUST%2F42" {
					writeBody(w, http.StatusNotFound, bodyNotFound)
					return
				}
				gotBody = readBody(t, r)
				if tc.status == http.StatusNoContent {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				writeBody(w, tc.status, tc.body)
			}
			c := org.client(nil)
			fields := map[string]any{"Name": "Acme", "NetSuite_Id__c": "CUST/42"}

			res, err := c.Upsert(context.Background(), "Account", "NetSuite_Id__c", "CUST/42", fields)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(res, tc.want) {
					t.Errorf("result = %+v, want %+v", res, tc.want)
				}
			} else {
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.Code != tc.wantCode || apiErr.Status != tc.status {
					t.Fatalf("err = %v, want %d %s", err, tc.status, tc.wantCode)
				}
				if len(apiErr.Matches) != tc.matches {
					t.Errorf("matches = %v", apiErr.Matches)
				}
				if !connectors.IsPermanent(err) {
					t.Error("want a permanent error")
				}
				if n := org.apiRequests(); n != 1 {
					t.Errorf("API requests = %d, want 1 (not retried)", n)
				}
			}
			if _, sent := gotBody["NetSuite_Id__c"]; sent || gotBody["Name"] != "Acme" {
				t.Errorf("body = %v, want Name without the external id field", gotBody)
			}
			if _, kept := fields["NetSuite_Id__c"]; !kept {
				t.Error("the caller's map was modified")
			}
		})
	}
}

func TestCreateUpdateDelete(t *testing.T) {
	org := newFakeOrg(t)
	type call struct{ method, path string }
	var calls []call
	org.api = func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, call{r.Method, r.URL.Path})
		switch r.Method {
		case http.MethodPost:
			writeBody(w, http.StatusCreated, bodyCreated)
		case http.MethodPatch, http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		}
	}
	c := org.client(nil)
	ctx := context.Background()

	id, err := c.Create(ctx, "Task", map[string]any{"Subject": "Credit hold"})
	if err != nil || id != "001Dn00000ZBr4VIAT" {
		t.Fatalf("Create = %q, %v", id, err)
	}
	if err := c.Update(ctx, "Task", id, map[string]any{"Status": "Completed"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := c.Delete(ctx, "Task", id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	want := []call{
		{"POST", "/services/data/v62.0/sobjects/Task"},
		{"PATCH", "/services/data/v62.0/sobjects/Task/001Dn00000ZBr4VIAT"},
		{"DELETE", "/services/data/v62.0/sobjects/Task/001Dn00000ZBr4VIAT"},
	}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("calls = %v, want %v", calls, want)
	}
}

func TestDeleteOfDeletedRecordSucceeds(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusNotFound, bodyEntityDeleted)
	if err := org.client(nil).Delete(context.Background(), "Task", "00TDn00000AbCdEIAV"); err != nil {
		t.Fatalf("Delete = %v, want nil for ENTITY_IS_DELETED", err)
	}
}

func TestGet(t *testing.T) {
	org := newFakeOrg(t)
	org.api = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/services/data/v62.0/sobjects/Account/001Dn00000ZBr4TIAT" && r.URL.Query().Get("fields") == "Id,Name" {
			writeBody(w, http.StatusOK, bodyAccount)
			return
		}
		writeBody(w, http.StatusNotFound, bodyNotFound)
	}
	c := org.client(nil)
	rec, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT", "Id", "Name")
	if err != nil || rec.String("Id") != "001Dn00000ZBr4TIAT" {
		t.Fatalf("Get = %v, %v", rec, err)
	}
	_, err = c.Get(context.Background(), "Account", "001Dn00000ZZZZZIAT")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || apiErr.Code != CodeNotFound || !connectors.IsPermanent(err) {
		t.Errorf("missing record: err = %v, want permanent 404 NOT_FOUND", err)
	}
	if _, err := c.Get(context.Background(), "Account", ""); err == nil {
		t.Error("empty id: want an error before any request")
	}
}

func TestGetByExternalID(t *testing.T) {
	org := newFakeOrg(t)
	org.api = func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/services/data/v62.0/sobjects/Account/NetSuite_Id__c/42":
			writeBody(w, http.StatusOK, bodyAccount)
		case "/services/data/v62.0/sobjects/Account/NetSuite_Id__c/43":
			writeBody(w, http.StatusMultipleChoices, bodyMatches)
		default:
			writeBody(w, http.StatusNotFound, bodyNotFound)
		}
	}
	c := org.client(nil)
	rec, err := c.GetByExternalID(context.Background(), "Account", "NetSuite_Id__c", "42")
	if err != nil || rec.String("Name") != "Burlington Textiles Corp of America" {
		t.Fatalf("GetByExternalID = %v, %v", rec, err)
	}
	_, err = c.GetByExternalID(context.Background(), "Account", "NetSuite_Id__c", "43")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != CodeMultipleChoices || len(apiErr.Matches) != 2 {
		t.Fatalf("err = %v, want MULTIPLE_CHOICES with 2 matches", err)
	}
	if apiErr.Matches[1] != "/services/data/v62.0/sobjects/Account/001Dn00000ZBr4UIAT" {
		t.Errorf("matches = %v", apiErr.Matches)
	}
}

func TestUpsertResultErr(t *testing.T) {
	ok := UpsertResult{ID: "001Dn00000ZBr4TIAT", Success: true}
	if ok.Err() != nil {
		t.Error("a saved record has an error")
	}
	locked := UpsertResult{Errors: []RecordError{{StatusCode: CodeUnableToLockRow, Message: "unable to obtain exclusive access to this record"}}}
	if err := locked.Err(); err == nil || connectors.IsPermanent(err) {
		t.Errorf("row lock: err = %v, want retryable", err)
	}
	invalid := UpsertResult{Errors: []RecordError{{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [Name]", Fields: []string{"Name"}}}}
	if err := invalid.Err(); !connectors.IsPermanent(err) {
		t.Errorf("validation: err = %v, want permanent", err)
	}
}
