// Package conformance proves the NetSuite sandbox with a third-party
// client: the npm package netsuite-rest, run by Node against a sandbox
// mounted the way `tandem run` mounts it.
package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
)

const mount = "/sandbox/netsuite"

type report struct {
	Customer struct {
		Status      int
		ContentType string
		ID          string
		CompanyName string
		Currency    string
		Addresses   int
	}
	Created struct {
		Status   int
		Location string
	}
	Suiteql struct {
		Status       int
		Count        int
		HasMore      bool
		TotalResults int
		IDs          []string
		Next         string
	}
	WrongSecret int
}

func TestNetsuiteRestAgainstTheSandbox(t *testing.T) {
	if _, err := os.Stat("node_modules/netsuite-rest"); err != nil {
		t.Fatal("node_modules/netsuite-rest is missing: run `make deps` (npm ci in connectors/netsuite/sandbox/conformance)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: %v", err)
	}
	srv, err := sandbox.New(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	mux := http.NewServeMux()
	mux.Handle(mount+"/", http.StripPrefix(mount, srv.Handler()))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "conformance.js")
	cmd.Env = append(os.Environ(),
		"NS_BASE_URL="+ts.URL+mount, "NS_ACCOUNT_ID="+sandbox.DefaultAccountID,
		"NS_CONSUMER_KEY="+sandbox.DefaultConsumerKey, "NS_CONSUMER_SECRET="+sandbox.DefaultConsumerSecret,
		"NS_TOKEN_ID="+sandbox.DefaultTokenID, "NS_TOKEN_SECRET="+sandbox.DefaultTokenSecret, "NS_CUSTOMER_ID=102")
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("conformance.js failed: %s", exit.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
	t.Logf("conformance.js: %s", out)
	var r report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("conformance.js printed %q: %v", out, err)
	}

	c := r.Customer
	if c.Status != 200 || c.ID != "102" || c.CompanyName != "Acme Corporation" || c.Currency != "US Dollar" ||
		c.Addresses != 1 || !strings.HasPrefix(c.ContentType, "application/vnd.oracle.resource+json") {
		t.Errorf("GET customer: %+v", c)
	}
	if r.Created.Status != 204 || !strings.HasPrefix(r.Created.Location, ts.URL+mount+"/services/rest/record/v1/customer/") {
		t.Errorf("POST customer: %+v", r.Created)
	}
	id := r.Created.Location[strings.LastIndex(r.Created.Location, "/")+1:]
	if rec, ok := srv.Get("customer", "eid:CONF-1"); !ok || rec["id"] != id {
		t.Errorf("created customer not found by external id: %v", rec)
	}
	q := r.Suiteql
	if q.Status != 200 || q.Count != 2 || !q.HasMore || q.TotalResults != 4 || strings.Join(q.IDs, ",") != "102,103" ||
		q.Next != ts.URL+mount+"/services/rest/query/v1/suiteql?limit=2&offset=2" {
		t.Errorf("SuiteQL: %+v", q)
	}
	if r.WrongSecret != http.StatusUnauthorized {
		t.Errorf("wrong token secret answered %d, want 401", r.WrongSecret)
	}
	if st := srv.Stats(); st.AuthFailures != 1 || st.ByOperation["POST suiteql"] != 1 || st.ByOperation["GET customer"] != 2 {
		t.Errorf("sandbox stats %+v", st)
	}
}
