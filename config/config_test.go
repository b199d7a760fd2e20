package config

import (
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
	if !c.SalesforceSandbox() || !c.NetSuiteSandbox() {
		t.Error("no credentials must mean sandbox mode for both systems")
	}
	if c.BaseURL() != "http://127.0.0.1:8080" {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(key, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	sfOK := map[string]string{"TANDEM_SF_LOGIN_URL": "https://acme.my.salesforce.com", "TANDEM_SF_CLIENT_ID": "id", "TANDEM_SF_CLIENT_SECRET": "s", "TANDEM_SF_ORG_IDS": "00D5e000000TNDMEA4"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
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
		{"sf without secret", with(sfOK, "TANDEM_SF_CLIENT_SECRET", ""), "TANDEM_SF_CLIENT_SECRET: set it (client credentials) or TANDEM_SF_JWT_KEY_FILE"},
		{"sf both flows", with(sfOK, "TANDEM_SF_JWT_KEY_FILE", key, "TANDEM_SF_USERNAME", "u"), "TANDEM_SF_CLIENT_SECRET: set either it"},
		{"sf jwt without user", with(sfOK, "TANDEM_SF_CLIENT_SECRET", "", "TANDEM_SF_JWT_KEY_FILE", key), "TANDEM_SF_USERNAME: required with TANDEM_SF_JWT_KEY_FILE"},
		{"sf missing key file", with(sfOK, "TANDEM_SF_CLIENT_SECRET", "", "TANDEM_SF_JWT_KEY_FILE", "/nonexistent.pem", "TANDEM_SF_USERNAME", "u"), `TANDEM_SF_JWT_KEY_FILE: "/nonexistent.pem" is not a readable file`},
		{"sf no org ids", with(sfOK, "TANDEM_SF_ORG_IDS", ""), "TANDEM_SF_ORG_IDS: required outside sandbox mode"},
		{"sf bad org id", with(sfOK, "TANDEM_SF_ORG_IDS", "00D5e000000TNDMEA4, 001xx"), `TANDEM_SF_ORG_IDS: "001xx" is not a Salesforce organization id`},
		{"sf bad version", with(sfOK, "TANDEM_SF_API_VERSION", "30"), `TANDEM_SF_API_VERSION: "30" is not a Salesforce API version`},
		{"ns without account", map[string]string{"TANDEM_NS_CONSUMER_KEY": "ck"}, "TANDEM_NS_ACCOUNT_ID: required when NetSuite credentials are set"},
		{"ns tba incomplete", map[string]string{"TANDEM_NS_ACCOUNT_ID": "123_SB1", "TANDEM_NS_CONSUMER_KEY": "ck", "TANDEM_NS_CONSUMER_SECRET": "cs", "TANDEM_NS_TOKEN_ID": "t"}, "TANDEM_NS_TOKEN_SECRET: required for token-based authentication"},
		{"ns m2m incomplete", map[string]string{"TANDEM_NS_ACCOUNT_ID": "123", "TANDEM_NS_CLIENT_ID": "c"}, "TANDEM_NS_CERTIFICATE_ID: required for OAuth 2.0 client credentials"},
		{"ns both", map[string]string{"TANDEM_NS_ACCOUNT_ID": "123", "TANDEM_NS_CLIENT_ID": "c", "TANDEM_NS_CONSUMER_KEY": "ck"}, "not both"},
		{"ns account id as netsuite.ValidAccountID rules", map[string]string{"TANDEM_NS_ACCOUNT_ID": "1234567__SB1"}, `TANDEM_NS_ACCOUNT_ID: "1234567__SB1" is not a NetSuite account id`},
		{"ns account only", map[string]string{"TANDEM_NS_ACCOUNT_ID": "123"}, "TANDEM_NS_CLIENT_ID: NetSuite credentials missing"},
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
		"TANDEM_SF_ORG_IDS": "00D5e000000TNDMEA4,00D5e000000TNDM", "TANDEM_NS_ACCOUNT_ID": "1234567_SB1",
		"TANDEM_NS_CONSUMER_KEY": "ck", "TANDEM_NS_CONSUMER_SECRET": "cs-secret", "TANDEM_NS_TOKEN_ID": "tk", "TANDEM_NS_TOKEN_SECRET": "ts-secret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SalesforceSandbox() || c.NetSuiteSandbox() || c.NetSuiteUsesM2M() {
		t.Error("credentials set must mean real systems over TBA")
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
