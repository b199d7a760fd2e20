package netsuite

import (
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
)

func TestNewNamesTheFieldAtFault(t *testing.T) {
	tbaCfg := &TBAConfig{"ck", "cs", "tk", "ts"}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ecdsaKey := ecKey(t, elliptic.P256())
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{TBA: tbaCfg}, "Config.AccountID"},
		{Config{AccountID: "1234567 SB1", TBA: tbaCfg}, "Config.AccountID"},
		{Config{AccountID: "1234567"}, "Config.M2M or Config.TBA"},
		{Config{AccountID: "1234567", TBA: tbaCfg, M2M: &M2MConfig{}}, "exclusive"},
		{Config{AccountID: "1234567", TBA: &TBAConfig{"ck", "", "tk", "ts"}}, "Config.TBA.ConsumerSecret"},
		{Config{AccountID: "1234567", TBA: &TBAConfig{"ck", "cs", "tk", ""}}, "Config.TBA.TokenSecret"},
		{Config{AccountID: "1234567", M2M: &M2MConfig{CertificateID: "c", PrivateKey: ecdsaKey}}, "Config.M2M.ClientID"},
		{Config{AccountID: "1234567", M2M: &M2MConfig{ClientID: "i", PrivateKey: ecdsaKey}}, "Config.M2M.CertificateID"},
		{Config{AccountID: "1234567", M2M: &M2MConfig{ClientID: "i", CertificateID: "c"}}, "Config.M2M.PrivateKey"},
		{Config{AccountID: "1234567", M2M: &M2MConfig{ClientID: "i", CertificateID: "c", PrivateKey: edKey}}, "Config.M2M.PrivateKey"},
		{Config{AccountID: "1234567", TBA: tbaCfg, BaseURL: "1234567.suitetalk.api.netsuite.com"}, "Config.BaseURL"},
		{Config{AccountID: "1234567", TBA: tbaCfg, MaxAttempts: -1}, "Config.MaxAttempts"},
		{Config{AccountID: "1234567", TBA: tbaCfg, Timeout: -1}, "Config.Timeout"},
	}
	for _, tc := range cases {
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error naming %s", tc.cfg, err, tc.want)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{AccountID: "1234567_SB1", TBA: &TBAConfig{"ck", "cs", "tk", "ts"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != "https://1234567-sb1.suitetalk.api.netsuite.com" || c.timeout != DefaultTimeout || c.maxAttempts != DefaultMaxAttempts {
		t.Errorf("base URL %s, timeout %v, attempts %d", c.baseURL, c.timeout, c.maxAttempts)
	}
	if realm := c.auth.(*tbaAuth).signer.Realm; realm != "1234567_SB1" {
		t.Errorf("realm %s", realm)
	}
	c, err = New(Config{AccountID: "1234567", BaseURL: "http://127.0.0.1:8080/", M2M: &M2MConfig{ClientID: "i", CertificateID: "c", PrivateKey: ecKey(t, elliptic.P256())}})
	if err != nil {
		t.Fatal(err)
	}
	m := c.auth.(*m2mAuth)
	if m.tokenURL != "http://127.0.0.1:8080/services/rest/auth/oauth2/v1/token" || len(m.cfg.Scopes) != 1 || m.cfg.Scopes[0] != "rest_webservices" || m.alg.Alg() != "ES256" {
		t.Errorf("token URL %s, scopes %v, alg %s", m.tokenURL, m.cfg.Scopes, m.alg.Alg())
	}
}
