package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/internal/logging"
)

const testAdminToken = "s3cret-admin-token-0123456789"

// guardedRouter serves stand-ins for the admin API and Asynqmon behind
// AdminAuth(token), on Tandem's real router.
func guardedRouter(token string) *httptest.Server {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeText(w, http.StatusOK, "reached "+r.URL.Path) })
	return httptest.NewServer(NewRouter(RouterDeps{Admin: ok, Monitoring: ok, AdminAuth: AdminAuth(token), Logger: logging.Discard()}))
}

func TestAdminAuth(t *testing.T) {
	srv := guardedRouter(testAdminToken)
	defer srv.Close()
	for _, tc := range []struct {
		name string
		set  func(r *http.Request)
		want int
	}{
		{"no credential", func(*http.Request) {}, http.StatusUnauthorized},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testAdminToken) }, http.StatusOK},
		{"bearer, scheme in any case", func(r *http.Request) { r.Header.Set("Authorization", "bearer "+testAdminToken) }, http.StatusOK},
		{"wrong bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testAdminToken+"x") }, http.StatusUnauthorized},
		{"token prefix", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testAdminToken[:10]) }, http.StatusUnauthorized},
		{"empty bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer ") }, http.StatusUnauthorized},
		{"basic, any user", func(r *http.Request) { r.SetBasicAuth("ops", testAdminToken) }, http.StatusOK},
		{"basic, empty user", func(r *http.Request) { r.SetBasicAuth("", testAdminToken) }, http.StatusOK},
		{"basic, token as user name", func(r *http.Request) { r.SetBasicAuth(testAdminToken, "") }, http.StatusUnauthorized},
		{"basic, wrong password", func(r *http.Request) { r.SetBasicAuth("ops", "guess") }, http.StatusUnauthorized},
		{"token in the query string", func(r *http.Request) { r.URL.RawQuery = "token=" + testAdminToken }, http.StatusUnauthorized},
	} {
		for _, path := range []string{PathAdminJobs, PrefixMonitoring + "/", PrefixMonitoring + "/api/queues"} {
			t.Run(tc.name+" "+path, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
				tc.set(req)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
				}
				if tc.want == http.StatusUnauthorized {
					checkChallenge(t, resp)
				}
			})
		}
	}
}

// checkChallenge: a browser is asked for basic auth, an API client gets
// a JSON error that says what to send and never echoes a credential.
func checkChallenge(t *testing.T, resp *http.Response) {
	t.Helper()
	challenges := strings.Join(resp.Header.Values("WWW-Authenticate"), "\n")
	if !strings.Contains(challenges, `Basic realm="Tandem"`) {
		t.Errorf("WWW-Authenticate %q has no Basic challenge", challenges)
	}
	var body adminError
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("401 body: %v (content type %q)", err, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(body.Error, "TANDEM_ADMIN_TOKEN") || strings.Contains(body.Error, testAdminToken) {
		t.Errorf("401 error %q", body.Error)
	}
}

func TestAdminAuthWithoutTokenRefusesEverything(t *testing.T) {
	srv := guardedRouter("")
	defer srv.Close()
	for _, set := range []func(r *http.Request){
		func(*http.Request) {},
		func(r *http.Request) { r.Header.Set("Authorization", "Bearer ") },
		func(r *http.Request) { r.SetBasicAuth("admin", "") },
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+PathAdminJobs, nil)
		set(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%v: status %d with no admin token configured", req.Header, resp.StatusCode)
		}
	}
}

func TestWebhookAndHealthRoutesNeedNoAdminToken(t *testing.T) {
	srv := guardedRouter(testAdminToken)
	defer srv.Close()
	resp, err := http.Get(srv.URL + PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s: %d without the admin token", PathHealth, resp.StatusCode)
	}
}
