// Package conformance proves the Salesforce sandbox's fidelity by running
// a third-party client, jsforce, against it unchanged.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// mount is where the sandbox is served, as `tandem run` mounts it.
const mount = "/sandbox/salesforce"

type summary struct {
	UserID          string `json:"userId"`
	OrganizationID  string `json:"organizationId"`
	Deals           int    `json:"deals"`
	Lines           int    `json:"lines"`
	ContactsTotal   int    `json:"contactsTotal"`
	ContactsFetched int    `json:"contactsFetched"`
	Upserts         []struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
		Created bool   `json:"created"`
	} `json:"upserts"`
	ExternalID bool   `json:"externalId"`
	ErrorCode  string `json:"errorCode"`
	Bulk       struct {
		Successful []struct {
			ID, Created, ExtID string
		} `json:"successful"`
		Failed []struct {
			Error, ExtID string
		} `json:"failed"`
		Unprocessed int `json:"unprocessed"`
	} `json:"bulk"`
}

// nodeWith returns the node binary once module is installed beside the tests.
func nodeWith(t *testing.T, module string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed; it is needed to run %s against the sandbox", module)
	}
	if _, err := os.Stat(filepath.Join("node_modules", module)); err != nil {
		t.Fatalf("%s is not installed in connectors/salesforce/sandbox/conformance/node_modules: run `make deps`", module)
	}
	return node
}

func TestJSforce(t *testing.T) {
	node := nodeWith(t, "jsforce")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + mount
	sb, err := sandbox.New(sandbox.Config{BaseURL: base, Seed: sandbox.Seed{Accounts: 150}}) // 300 contacts: two query pages
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	var mu sync.Mutex
	var origins []string
	sb.OnChange(func(ev sandbox.ChangeEvent) { mu.Lock(); origins = append(origins, ev.ChangeOrigin); mu.Unlock() })
	mux := http.NewServeMux()
	mux.Handle(mount+"/", http.StripPrefix(mount, sb.Handler()))
	// jsforce's bulk2 resolves /services/data/… against the instance URL's
	// host, dropping its path (a real instance URL has none): serve the
	// org at the root too.
	mux.Handle("/services/data/", sb.Handler())
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, "jsforce-conformance.js", base, sandbox.DefaultClientID, sandbox.DefaultClientSecret)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("jsforce run: %v\n%s", err, stderr.String())
	}
	var got summary
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("jsforce output: %v\n%s", err, stdout.String())
	}

	if got.UserID != sb.IntegrationUser().ID || got.OrganizationID != sb.OrgID() {
		t.Errorf("jsforce parsed the id URL as user %q org %q", got.UserID, got.OrganizationID)
	}
	if got.Deals != 5 || got.Lines == 0 {
		t.Errorf("child subquery through jsforce: %d deals, %d lines", got.Deals, got.Lines)
	}
	if got.ContactsTotal != 300 || got.ContactsFetched != 300 {
		t.Errorf("jsforce autoFetch over nextRecordsUrl: total %d, fetched %d", got.ContactsTotal, got.ContactsFetched)
	}
	if len(got.Upserts) != 2 || !got.Upserts[0].Created || got.Upserts[1].Created || got.Upserts[0].ID != got.Upserts[1].ID || !got.Upserts[1].Success {
		t.Errorf("upserts %+v", got.Upserts)
	}
	if rec, ok := sb.Get("Account", got.Upserts[0].ID); !ok || rec["Name"] != "jsforce Co (renamed)" || rec["NetSuite_Id__c"] != "JS-1" {
		t.Errorf("upserted account %v", rec)
	}
	if !got.ExternalID || got.ErrorCode != "REQUIRED_FIELD_MISSING" {
		t.Errorf("describe externalId %v, create error %q", got.ExternalID, got.ErrorCode)
	}
	bulk := got.Bulk
	if len(bulk.Successful) != 2 || len(bulk.Failed) != 1 || bulk.Unprocessed != 0 ||
		bulk.Failed[0].ExtID != "JSB-2" || !strings.HasPrefix(bulk.Failed[0].Error, "REQUIRED_FIELD_MISSING:") {
		t.Errorf("jsforce bulk2 results %+v", bulk)
	}
	for _, r := range bulk.Successful {
		rec, ok := sb.Get("Account", r.ID)
		if wantCreated := fmt.Sprint(r.ExtID == "JSB-1"); !ok || rec["NetSuite_Id__c"] != r.ExtID || r.Created != wantCreated {
			t.Errorf("jsforce bulk2 result %+v: stored %v", r, rec)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(origins) != 4 || !strings.HasSuffix(origins[0], "/rest/62.0;client=jsforce-conformance") {
		t.Errorf("change origins %v", origins)
	}
}
