package sandbox

import (
	"bytes"
	"encoding/json"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testOrg is a sandbox served by an httptest server at its BaseURL.
type testOrg struct {
	*Server
	url    string
	client *http.Client
}

func startOrg(t *testing.T, cfg Config) *testOrg {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := &httptest.Server{Listener: ln, Config: &http.Server{Handler: s.Handler()}}
	ts.Start()
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: time.Minute}
	t.Cleanup(func() {
		s.Close()
		ts.Close()
		client.CloseIdleConnections()
	})
	return &testOrg{Server: s, url: cfg.BaseURL, client: client}
}

// response is an HTTP answer with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.body)
	}
}

// apiErrors decodes a REST error body.
func (r response) apiErrors(t *testing.T) []map[string]any {
	t.Helper()
	var errs []map[string]any
	r.json(t, &errs)
	return errs
}

// call sends a request; body may be nil, a string (sent as is) or a value
// (sent as JSON). headers are name, value pairs.
func (o *testOrg) call(t *testing.T, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, o.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := o.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func (o *testOrg) tokenRequest(t *testing.T, form url.Values) response {
	t.Helper()
	resp, err := o.client.PostForm(o.url+"/services/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// login gets an integration user session with client credentials.
func (o *testOrg) login(t *testing.T) string {
	t.Helper()
	r := o.tokenRequest(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}})
	var tok map[string]string
	r.json(t, &tok)
	if r.status != http.StatusOK || tok["access_token"] == "" {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	return tok["access_token"]
}

const v = "/services/data/v62.0"

// firstID returns the Id of the first record a query finds.
func (o *testOrg) firstID(t *testing.T, soql string) string {
	t.Helper()
	rows, err := o.Query(soql)
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %v (%d rows)", soql, err, len(rows))
	}
	return rows[0]["Id"].(string)
}

// fixturesDir is ../shared/fixtures beside the module.
func fixturesDir(t *testing.T) string { return testfixtures.Dir(t) }
