package salesforce

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// exercise runs every kind of request against org: token, paged query,
// reads, writes, a session renewal, a retry and a failure.
func exercise(t *testing.T, org *fakeOrg, c *Client) {
	t.Helper()
	var mu lockedCounter
	org.api = func(w http.ResponseWriter, r *http.Request) {
		if body, ok := queryPages[r.URL.Path]; ok {
			writeBody(w, http.StatusOK, body)
			return
		}
		switch n := mu.next(); {
		case n == 1:
			org.expireSessions()
			writeBody(w, http.StatusUnauthorized, bodyInvalidSession)
		case n == 2:
			writeBody(w, http.StatusServiceUnavailable, bodyServerDown)
		case r.Method == http.MethodPost:
			writeBody(w, http.StatusBadRequest, bodyRequiredField)
		case r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/composite/"):
			writeBody(w, http.StatusOK, bodyCollectionPartial)
		case r.Method == http.MethodPatch:
			writeBody(w, http.StatusCreated, bodyUpsertCreated)
		default:
			writeBody(w, http.StatusOK, bodyAccount)
		}
	}
	ctx := context.Background()
	if _, err := c.Get(ctx, "Account", "001Dn00000ZBr4TIAT"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(ctx, soqlContacts); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upsert(ctx, "Account", "NetSuite_Id__c", "42", map[string]any{"Name": "Acme"}); err != nil {
		t.Fatal(err)
	}
	records := []map[string]any{{"NetSuite_Item_Id__c": "1"}, {"NetSuite_Item_Id__c": "2"}, {"NetSuite_Item_Id__c": "3"}}
	if _, err := c.UpsertCollection(ctx, "Product2", "NetSuite_Item_Id__c", records, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, "Account", map[string]any{}); err == nil {
		t.Fatal("create: want the validation error")
	}
}

type lockedCounter struct {
	mu sync.Mutex
	n  int
}

func (c *lockedCounter) next() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

func TestEveryRequestCarriesStandardHeaders(t *testing.T) {
	for _, tc := range []struct{ configured, want string }{
		{"", "client=tandem"},
		{"tandem-staging", "client=tandem-staging"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			org := newFakeOrg(t)
			exercise(t, org, org.client(func(cfg *Config) { cfg.CallOptionsClient = tc.configured }))
			reqs := org.allRequests()
			if len(reqs) < 10 {
				t.Fatalf("only %d requests", len(reqs))
			}
			for _, r := range reqs {
				if got := r.Header.Get("Sforce-Call-Options"); got != tc.want {
					t.Errorf("%s %s: Sforce-Call-Options = %q, want %q", r.Method, r.URL.Path, got, tc.want)
				}
				if got := r.Header.Get("Accept"); got != "application/json" {
					t.Errorf("%s %s: Accept = %q", r.Method, r.URL.Path, got)
				}
				if r.Method != http.MethodGet && r.URL.Path != tokenPath && r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("%s %s: Content-Type = %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
				}
			}
		})
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	for _, flow := range []string{"client credentials", "jwt bearer"} {
		t.Run(flow, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			org := newFakeOrg(t)
			c := org.client(func(cfg *Config) {
				cfg.Logger = logger
				if flow == "jwt bearer" {
					cfg.ClientSecret, cfg.PrivateKey, cfg.Username = "", org.key, testUsername
				}
			})
			exercise(t, org, c)

			out := logs.String()
			for _, want := range []string{"salesforce token issued", "salesforce session expired", "retrying"} {
				if !strings.Contains(out, want) {
					t.Errorf("log lacks %q; the test would prove nothing:\n%s", want, out)
				}
			}
			org.mu.Lock()
			secrets := append([]string{testClientSecret}, org.issued...)
			for _, a := range org.assertions {
				secrets = append(secrets, a, a[strings.LastIndex(a, ".")+1:]) // the assertion and its signature
			}
			org.mu.Unlock()
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("log contains a secret (%.12s…)", s)
				}
			}
		})
	}
}
