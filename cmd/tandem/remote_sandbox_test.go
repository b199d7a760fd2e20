package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// remoteSandboxes drives the sandboxes of a `tandem sandbox` process
// through their control surface (TANDEM_SANDBOX_CONTROL=on): as their UI
// users, and reading state without faults.
type remoteSandboxes struct {
	t    testing.TB
	base string // http://<TANDEM_SANDBOX_ADDR>
	http *http.Client
}

func newRemoteSandboxes(t testing.TB, addr string) *remoteSandboxes {
	return &remoteSandboxes{t: t, base: "http://" + addr, http: &http.Client{Timeout: time.Minute}}
}

// call sends a JSON request to the control surface and decodes the answer
// into out (when not nil); any status but 2xx is an error.
func (r *remoteSandboxes) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, r.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decoding %s: %w", method, path, raw, err)
		}
	}
	return nil
}

// must fails the test on a control call's error.
func (r *remoteSandboxes) must(method, path string, in, out any) {
	r.t.Helper()
	if err := r.call(method, path, in, out); err != nil {
		r.t.Fatal(err)
	}
}

func (r *remoteSandboxes) sfStats() (sfsandbox.ControlStats, error) {
	var st sfsandbox.ControlStats
	return st, r.call(http.MethodGet, controlSalesforcePath+"/stats", nil, &st)
}

func (r *remoteSandboxes) nsStats() (nssandbox.ControlStats, error) {
	var st nssandbox.ControlStats
	return st, r.call(http.MethodGet, controlNetSuitePath+"/stats", nil, &st)
}

// idle reports whether both sandboxes delivered every notification.
func (r *remoteSandboxes) idle() (bool, string) {
	sf, err := r.sfStats()
	if err != nil {
		return false, err.Error()
	}
	ns, err := r.nsStats()
	if err != nil {
		return false, err.Error()
	}
	if !sf.Idle() || !ns.Idle() {
		return false, fmt.Sprintf("notifications: outbound %+v, events %+v, webhooks %+v", sf.Outbound, sf.Events, ns.Webhooks)
	}
	return true, ""
}

func (r *remoteSandboxes) query(soql string) []map[string]any {
	r.t.Helper()
	var recs []map[string]any
	r.must(http.MethodPost, controlSalesforcePath+"/query", map[string]string{"soql": soql}, &recs)
	return recs
}

// sfCreate creates a record as the sales user.
func (r *remoteSandboxes) sfCreate(object string, fields map[string]any) string {
	r.t.Helper()
	var out struct{ ID string }
	r.must(http.MethodPost, controlSalesforcePath+"/records/"+object, fields, &out)
	return out.ID
}

// sfUpdate changes a record as the sales user.
func (r *remoteSandboxes) sfUpdate(object, id string, fields map[string]any) {
	r.t.Helper()
	r.must(http.MethodPatch, controlSalesforcePath+"/records/"+object+"/"+id, fields, nil)
}

// sfGet reads fields of one record.
func (r *remoteSandboxes) sfGet(object, id string, fields ...string) map[string]any {
	r.t.Helper()
	recs := r.query(fmt.Sprintf("SELECT %s FROM %s WHERE Id = '%s'", strings.Join(fields, ", "), object, id))
	if len(recs) != 1 {
		r.t.Fatalf("%s %s: %d records", object, id, len(recs))
	}
	return recs[0]
}

// nsPut writes a NetSuite record as a UI user would.
func (r *remoteSandboxes) nsPut(recordType string, body map[string]any) string {
	r.t.Helper()
	var out struct{ ID string }
	r.must(http.MethodPut, controlNetSuitePath+"/records/"+recordType, body, &out)
	return out.ID
}

func (r *remoteSandboxes) nsList(recordType string) []map[string]any {
	r.t.Helper()
	var recs []map[string]any
	r.must(http.MethodGet, controlNetSuitePath+"/records/"+recordType, nil, &recs)
	return recs
}

func (r *remoteSandboxes) nsGet(recordType, id string) map[string]any {
	r.t.Helper()
	var rec map[string]any
	r.must(http.MethodGet, controlNetSuitePath+"/records/"+recordType+"/"+id, nil, &rec)
	return rec
}
