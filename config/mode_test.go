package config

import (
	"strings"
	"testing"
)

func TestModeFollowsTheCredentialsWhenUnset(t *testing.T) {
	for _, tt := range []struct {
		name      string
		env       map[string]string
		mode, why string
	}{
		{"nothing set", nil, ModeSandbox, "no Salesforce or NetSuite credential set"},
		{"inbound secrets only", map[string]string{"TANDEM_SF_EVENTS_TOKEN": "t", "TANDEM_NS_WEBHOOK_SECRET": "s", "TANDEM_SF_ORG_IDS": "00D5e000000ACMEEA2"}, ModeSandbox, "no Salesforce or NetSuite credential set"},
		{"every credential", live, ModeLive, "Salesforce and NetSuite credentials set"},
		{"explicit sandbox", map[string]string{"TANDEM_MODE": "sandbox"}, ModeSandbox, "TANDEM_MODE=sandbox"},
		{"explicit live", with(live, "TANDEM_MODE", "live"), ModeLive, "TANDEM_MODE=live"},
	} {
		c, err := Load(env(tt.env))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if c.Mode != tt.mode || c.ModeReason() != tt.why || c.Live() != (tt.mode == ModeLive) {
			t.Errorf("%s: mode %s (%s), want %s (%s)", tt.name, c.Mode, c.ModeReason(), tt.mode, tt.why)
		}
	}
}

// A mix of credentials is refused with one error naming every variable
// live mode still needs, and those set (to unset for sandbox mode).
func TestMixedCredentialsAreOneError(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"salesforce only", sfLive, []string{"(TANDEM_SF_LOGIN_URL, TANDEM_SF_CLIENT_ID, TANDEM_SF_CLIENT_SECRET)", "TANDEM_NS_ACCOUNT_ID",
			"TANDEM_NS_CLIENT_ID, TANDEM_NS_CERTIFICATE_ID and TANDEM_NS_PRIVATE_KEY_FILE (OAuth 2.0 client credentials) or TANDEM_NS_CONSUMER_KEY, TANDEM_NS_CONSUMER_SECRET, TANDEM_NS_TOKEN_ID and TANDEM_NS_TOKEN_SECRET"}},
		{"netsuite only", nsLive, []string{"TANDEM_SF_LOGIN_URL; TANDEM_SF_CLIENT_ID; TANDEM_SF_CLIENT_SECRET (client credentials) or TANDEM_SF_JWT_KEY_FILE and TANDEM_SF_USERNAME (JWT bearer); TANDEM_SF_ORG_IDS"}},
		{"a netsuite secret only", map[string]string{"TANDEM_NS_TOKEN_SECRET": "ts"}, []string{"(TANDEM_NS_TOKEN_SECRET)", "TANDEM_SF_LOGIN_URL", "TANDEM_NS_ACCOUNT_ID; TANDEM_NS_CONSUMER_KEY; TANDEM_NS_CONSUMER_SECRET; TANDEM_NS_TOKEN_ID"}},
		{"a netsuite base url only", map[string]string{"TANDEM_NS_BASE_URL": "https://1234567.suitetalk.api.netsuite.com"}, []string{"(TANDEM_NS_BASE_URL)"}},
		{"salesforce jwt half set", merged(nsLive, map[string]string{"TANDEM_SF_USERNAME": "u"}), []string{"TANDEM_SF_LOGIN_URL; TANDEM_SF_CLIENT_ID; TANDEM_SF_JWT_KEY_FILE; TANDEM_SF_ORG_IDS"}},
	} {
		_, err := Load(env(tt.env))
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if n := len(unwrapAll(err)); n != 1 {
			t.Errorf("%s: %d errors, want one:\n%v", tt.name, n, err)
		}
		msg := err.Error()
		for _, w := range append(tt.want, "TANDEM_MODE: unset, and only some credentials are set", "for sandbox mode unset those set") {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error\n%s\ndoes not contain %q", tt.name, msg, w)
			}
		}
	}
}

func TestExplicitLiveNamesWhatIsMissing(t *testing.T) {
	_, err := Load(env(map[string]string{"TANDEM_MODE": "live"}))
	want := "TANDEM_MODE: live needs TANDEM_SF_LOGIN_URL; TANDEM_SF_CLIENT_ID; TANDEM_SF_CLIENT_SECRET (client credentials) or TANDEM_SF_JWT_KEY_FILE and TANDEM_SF_USERNAME (JWT bearer); " +
		"TANDEM_SF_ORG_IDS; TANDEM_NS_ACCOUNT_ID; TANDEM_NS_CLIENT_ID, TANDEM_NS_CERTIFICATE_ID and TANDEM_NS_PRIVATE_KEY_FILE (OAuth 2.0 client credentials) " +
		"or TANDEM_NS_CONSUMER_KEY, TANDEM_NS_CONSUMER_SECRET, TANDEM_NS_TOKEN_ID and TANDEM_NS_TOKEN_SECRET (token-based authentication)"
	if err == nil || err.Error() != want {
		t.Errorf("TANDEM_MODE=live alone: %v\nwant %s", err, want)
	}
	_, err = Load(env(with(live, "TANDEM_MODE", "live", "TANDEM_NS_TOKEN_ID", "", "TANDEM_SF_CLIENT_ID", "")))
	if err == nil || err.Error() != "TANDEM_MODE: live needs TANDEM_SF_CLIENT_ID; TANDEM_NS_TOKEN_ID" {
		t.Errorf("TANDEM_MODE=live, two missing: %v", err)
	}
}

// Explicit sandbox mode with a credential set is refused: the operator
// said sandbox but configured a real system, and guessing which was meant
// could send real records to an in-memory sandbox.
func TestExplicitSandboxRefusesCredentials(t *testing.T) {
	_, err := Load(env(with(live, "TANDEM_MODE", "sandbox")))
	if err == nil || !strings.HasPrefix(err.Error(), "TANDEM_MODE: sandbox, but credentials are set (TANDEM_SF_LOGIN_URL, TANDEM_SF_CLIENT_ID, TANDEM_SF_CLIENT_SECRET, TANDEM_NS_ACCOUNT_ID,") {
		t.Errorf("TANDEM_MODE=sandbox with credentials: %v", err)
	}
	if _, err := Load(env(map[string]string{"TANDEM_MODE": "sandbox", "TANDEM_SF_CLIENT_ID": "id"})); err == nil || !strings.Contains(err.Error(), "(TANDEM_SF_CLIENT_ID)") {
		t.Errorf("TANDEM_MODE=sandbox with one credential: %v", err)
	}
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
