package config

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestDefaultsAreSandboxMode(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.LogFormat != "auto" || c.Salesforce.APIVersion != "62.0" || c.Worker.ShutdownTimeout != 30*time.Second {
		t.Errorf("defaults not applied: %+v", c)
	}
	if c.Live() || c.Mode != ModeSandbox || c.ModeReason() != "no Salesforce or NetSuite credential set" {
		t.Errorf("no credentials must mean sandbox mode for both systems: %s (%s)", c.Mode, c.ModeReason())
	}
	if c.BaseURL() != "http://127.0.0.1:8080" {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
}

// sfLive and nsLive are complete live credentials of each system; live is
// both.
var (
	sfLive = map[string]string{"TANDEM_SF_LOGIN_URL": "https://acme.my.salesforce.com", "TANDEM_SF_CLIENT_ID": "id", "TANDEM_SF_CLIENT_SECRET": "s", "TANDEM_SF_ORG_IDS": "00D5e000000ACMEEA2"}
	nsLive = map[string]string{"TANDEM_NS_ACCOUNT_ID": "1234567", "TANDEM_NS_CONSUMER_KEY": "ck", "TANDEM_NS_CONSUMER_SECRET": "cs", "TANDEM_NS_TOKEN_ID": "tk", "TANDEM_NS_TOKEN_SECRET": "ts"}
	live   = merged(sfLive, nsLive)
)

func merged(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// with is base with the name, value pairs of kv added ("" sets empty).
func with(base map[string]string, kv ...string) map[string]string {
	m := merged(base)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestErrorsNameTheVariable(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(key, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad addr", map[string]string{"TANDEM_ADDR": "nope"}, `TANDEM_ADDR: "nope" is not host:port`},
		{"bad log format", map[string]string{"TANDEM_LOG_FORMAT": "xml"}, `TANDEM_LOG_FORMAT: "xml" is not one of auto text json`},
		{"bad redis url", map[string]string{"REDIS_URL": "::"}, "REDIS_URL: not a URL"},
		{"redis url scheme", map[string]string{"REDIS_URL": "http://redis:6379"}, `REDIS_URL: scheme "http" is not one of`},
		{"sentinel without master", map[string]string{"REDIS_URL": "redis-sentinel://h1:26379,h2:26379"}, "REDIS_URL: sentinel: ?master=<name> is required"},
		{"cluster database", map[string]string{"REDIS_URL": "redis-cluster://h1:6379,h2:6379/3"}, "REDIS_URL: cluster: Redis Cluster has only database 0"},
		{"wait replicas on a cluster", map[string]string{"REDIS_URL": "redis-cluster://h1:6379,h2:6379", "TANDEM_REDIS_WAIT_REPLICAS": "1"}, "TANDEM_REDIS_WAIT_REPLICAS: needs REDIS_URL naming one server or a Sentinel set-up"},
		{"wait replicas on the embedded redis", map[string]string{"TANDEM_REDIS_WAIT_REPLICAS": "1"}, "TANDEM_REDIS_WAIT_REPLICAS: needs REDIS_URL"},
		{"negative wait replicas", map[string]string{"TANDEM_REDIS_WAIT_REPLICAS": "-1"}, "TANDEM_REDIS_WAIT_REPLICAS"},
		{"bad duration", map[string]string{"TANDEM_SHUTDOWN_TIMEOUT": "soon"}, `TANDEM_SHUTDOWN_TIMEOUT: "soon" is not a duration`},
		{"bad number", map[string]string{"TANDEM_WORKER_CONCURRENCY": "many"}, `TANDEM_WORKER_CONCURRENCY: "many" is not a whole number`},
		{"sf without secret", with(live, "TANDEM_SF_CLIENT_SECRET", ""), "TANDEM_MODE: unset, and only some credentials are set (TANDEM_SF_LOGIN_URL, TANDEM_SF_CLIENT_ID, TANDEM_NS_ACCOUNT_ID, " +
			"TANDEM_NS_CONSUMER_KEY, TANDEM_NS_CONSUMER_SECRET, TANDEM_NS_TOKEN_ID, TANDEM_NS_TOKEN_SECRET): for live mode also set TANDEM_SF_CLIENT_SECRET (client credentials) or TANDEM_SF_JWT_KEY_FILE and TANDEM_SF_USERNAME (JWT bearer); for sandbox mode unset those set"},
		{"sf both flows", with(live, "TANDEM_SF_JWT_KEY_FILE", key, "TANDEM_SF_USERNAME", "u"), "TANDEM_SF_CLIENT_SECRET: set either it"},
		{"sf jwt without user", with(live, "TANDEM_MODE", "live", "TANDEM_SF_CLIENT_SECRET", "", "TANDEM_SF_JWT_KEY_FILE", key), "TANDEM_MODE: live needs TANDEM_SF_USERNAME"},
		{"sf missing key file", with(live, "TANDEM_SF_CLIENT_SECRET", "", "TANDEM_SF_JWT_KEY_FILE", "/nonexistent.pem", "TANDEM_SF_USERNAME", "u"), `TANDEM_SF_JWT_KEY_FILE: "/nonexistent.pem" is not a readable file`},
		{"sf no org ids", with(live, "TANDEM_MODE", "live", "TANDEM_SF_ORG_IDS", ""), "TANDEM_MODE: live needs TANDEM_SF_ORG_IDS"},
		{"sf bad org id", with(live, "TANDEM_SF_ORG_IDS", "00D5e000000TNDMEA4, 001xx"), `TANDEM_SF_ORG_IDS: "001xx" is not a Salesforce organization id`},
		{"sf bad version", with(live, "TANDEM_SF_API_VERSION", "30"), `TANDEM_SF_API_VERSION: "30" is not a Salesforce API version`},
		{"sf hmac without secret", with(live, "TANDEM_SF_EVENTS_AUTH", "hmac"), "TANDEM_SF_EVENTS_SECRET: required when TANDEM_SF_EVENTS_AUTH=hmac"},
		{"ns without account", with(live, "TANDEM_MODE", "live", "TANDEM_NS_ACCOUNT_ID", ""), "TANDEM_MODE: live needs TANDEM_NS_ACCOUNT_ID"},
		{"ns tba incomplete", with(live, "TANDEM_MODE", "live", "TANDEM_NS_TOKEN_SECRET", ""), "TANDEM_MODE: live needs TANDEM_NS_TOKEN_SECRET"},
		{"ns m2m incomplete", merged(sfLive, map[string]string{"TANDEM_MODE": "live", "TANDEM_NS_ACCOUNT_ID": "123", "TANDEM_NS_CLIENT_ID": "c"}),
			"TANDEM_MODE: live needs TANDEM_NS_CERTIFICATE_ID; TANDEM_NS_PRIVATE_KEY_FILE"},
		{"ns both", with(live, "TANDEM_NS_CLIENT_ID", "c"), "TANDEM_NS_CLIENT_ID: set either OAuth 2.0 client credentials"},
		{"ns account id as netsuite.ValidAccountID rules", with(live, "TANDEM_NS_ACCOUNT_ID", "1234567__SB1"), `TANDEM_NS_ACCOUNT_ID: "1234567__SB1" is not a NetSuite account id`},
		{"ns account only", merged(sfLive, map[string]string{"TANDEM_MODE": "live", "TANDEM_NS_ACCOUNT_ID": "123"}),
			"TANDEM_MODE: live needs TANDEM_NS_CLIENT_ID, TANDEM_NS_CERTIFICATE_ID and TANDEM_NS_PRIVATE_KEY_FILE (OAuth 2.0 client credentials) or TANDEM_NS_CONSUMER_KEY"},
		{"bad mode", map[string]string{"TANDEM_MODE": "production"}, `TANDEM_MODE: "production" is not one of sandbox live`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil {
				t.Fatalf("Load accepted %v", tt.env)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}

func TestRedisURLForms(t *testing.T) {
	for _, u := range []string{
		"redis://:pw@redis.internal:6379/2",
		"rediss://redis.internal:6380",
		"redis-sentinel://:pw@10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379/1?master=tandem",
		"redis-cluster://10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379",
		"rediss-cluster://10.0.0.1:6379",
	} {
		if _, err := Load(env(map[string]string{"REDIS_URL": u})); err != nil {
			t.Errorf("REDIS_URL=%s: %v", u, err)
		}
	}
	_, err := Load(env(map[string]string{"REDIS_URL": "redis-sentinel://:pw-1234@10.0.0.1:26379"}))
	if err == nil || strings.Contains(err.Error(), "pw-1234") {
		t.Errorf("error %v: want one, without the password", err)
	}
}

func TestValidProductionConfig(t *testing.T) {
	c, err := Load(env(map[string]string{
		"TANDEM_SF_LOGIN_URL": "https://acme.my.salesforce.com", "TANDEM_SF_CLIENT_ID": "id", "TANDEM_SF_CLIENT_SECRET": "very-secret",
		"TANDEM_SF_ORG_IDS": "00D5e000000ACMEEA2,00D5e000000ACME", "TANDEM_NS_ACCOUNT_ID": "1234567_SB1",
		"TANDEM_NS_CONSUMER_KEY": "ck", "TANDEM_NS_CONSUMER_SECRET": "cs-secret", "TANDEM_NS_TOKEN_ID": "tk", "TANDEM_NS_TOKEN_SECRET": "ts-secret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Live() || c.ModeReason() != "Salesforce and NetSuite credentials set" || c.NetSuiteUsesM2M() {
		t.Errorf("credentials set must mean real systems over TBA: %s (%s)", c.Mode, c.ModeReason())
	}
	if len(c.Salesforce.OrgIDs) != 2 {
		t.Errorf("OrgIDs = %v", c.Salesforce.OrgIDs)
	}
	for k, v := range c.Redacted() {
		if strings.Contains(v, "secret") {
			t.Errorf("Redacted leaks %s=%s", k, v)
		}
	}
}

func TestEveryVariableDocumented(t *testing.T) {
	for _, v := range Variables() {
		if v.Doc == "" {
			t.Errorf("%s has no doc", v.Name)
		}
	}
}
