package config

import (
	"errors"
	"fmt"
	"strings"
)

// The modes of TANDEM_MODE.
const (
	// ModeSandbox: both systems are the built-in sandboxes; no Salesforce
	// or NetSuite credential may be set.
	ModeSandbox = "sandbox"
	// ModeLive: both systems are real; every credential they need is set.
	ModeLive = "live"
)

// Live reports whether Tandem talks to the real Salesforce and NetSuite.
// There is no mix: either both systems are real or both are sandboxes.
func (c *Config) Live() bool { return c.Mode == ModeLive }

// ModeReason says why Mode is what it is, e.g. "TANDEM_MODE=live" or
// "no Salesforce or NetSuite credential set".
func (c *Config) ModeReason() string { return c.modeReason }

// resolveMode settles Mode: TANDEM_MODE when set, otherwise sandbox when no
// credential of either system is set and live when every one live mode
// needs is. Anything else is refused with one error that names what is
// set and what is missing: half a live configuration would send real
// records to an in-memory sandbox, or sandbox ids into a real org.
func (c *Config) resolveMode() []error {
	set := c.credentialsSet()
	missing, conflicts := c.liveNeeds()
	switch c.Mode {
	case ModeSandbox:
		c.modeReason = "TANDEM_MODE=sandbox"
		if len(set) > 0 {
			return []error{fmt.Errorf("TANDEM_MODE: sandbox, but credentials are set (%s): sandbox mode talks only to the built-in sandboxes, so unset them, or set TANDEM_MODE=live", strings.Join(set, ", "))}
		}
		return nil
	case ModeLive:
		c.modeReason = "TANDEM_MODE=live"
		if len(missing) > 0 {
			return append([]error{fmt.Errorf("TANDEM_MODE: live needs %s", strings.Join(missing, "; "))}, conflicts...)
		}
		return conflicts
	}
	switch {
	case len(set) == 0:
		c.Mode, c.modeReason = ModeSandbox, "no Salesforce or NetSuite credential set"
		return nil
	case len(missing) == 0:
		c.Mode, c.modeReason = ModeLive, "Salesforce and NetSuite credentials set"
		return conflicts
	}
	return append([]error{fmt.Errorf("TANDEM_MODE: unset, and only some credentials are set (%s): for live mode also set %s; for sandbox mode unset those set",
		strings.Join(set, ", "), strings.Join(missing, "; "))}, conflicts...)
}

// credentialsSet names the credential variables (tagged cred) that are set.
func (c *Config) credentialsSet() []string {
	var set []string
	eachField(c, func(f field) {
		if f.cred && f.get() != "" {
			set = append(set, f.env)
		}
	})
	return set
}

// liveNeeds lists what live mode lacks, each item a variable or a choice
// between sets of them, and the settings that contradict each other.
func (c *Config) liveNeeds() (missing []string, conflicts []error) {
	s, n := c.Salesforce, c.NetSuite
	missing = unset("TANDEM_SF_LOGIN_URL", s.LoginURL, "TANDEM_SF_CLIENT_ID", s.ClientID)
	jwt := s.JWTKeyFile != "" || s.Username != ""
	switch {
	case s.ClientSecret != "" && jwt:
		conflicts = append(conflicts, errors.New("TANDEM_SF_CLIENT_SECRET: set either it (client credentials) or TANDEM_SF_JWT_KEY_FILE and TANDEM_SF_USERNAME (JWT bearer), not both"))
	case jwt:
		missing = append(missing, unset("TANDEM_SF_JWT_KEY_FILE", s.JWTKeyFile, "TANDEM_SF_USERNAME", s.Username)...)
	case s.ClientSecret == "":
		missing = append(missing, "TANDEM_SF_CLIENT_SECRET (client credentials) or TANDEM_SF_JWT_KEY_FILE and TANDEM_SF_USERNAME (JWT bearer)")
	}
	missing = append(missing, unset("TANDEM_SF_ORG_IDS", strings.Join(s.OrgIDs, ","), "TANDEM_NS_ACCOUNT_ID", n.AccountID)...)
	m2m := n.ClientID != "" || n.CertificateID != "" || n.PrivateKeyFile != ""
	tba := n.ConsumerKey != "" || n.ConsumerSecret != "" || n.TokenID != "" || n.TokenSecret != ""
	switch {
	case m2m && tba:
		conflicts = append(conflicts, errors.New("TANDEM_NS_CLIENT_ID: set either OAuth 2.0 client credentials (TANDEM_NS_CLIENT_ID, TANDEM_NS_CERTIFICATE_ID, TANDEM_NS_PRIVATE_KEY_FILE) or token-based authentication (TANDEM_NS_CONSUMER_KEY/SECRET, TANDEM_NS_TOKEN_ID/SECRET), not both"))
	case m2m:
		missing = append(missing, unset("TANDEM_NS_CLIENT_ID", n.ClientID, "TANDEM_NS_CERTIFICATE_ID", n.CertificateID, "TANDEM_NS_PRIVATE_KEY_FILE", n.PrivateKeyFile)...)
	case tba:
		missing = append(missing, unset("TANDEM_NS_CONSUMER_KEY", n.ConsumerKey, "TANDEM_NS_CONSUMER_SECRET", n.ConsumerSecret,
			"TANDEM_NS_TOKEN_ID", n.TokenID, "TANDEM_NS_TOKEN_SECRET", n.TokenSecret)...)
	default:
		missing = append(missing, "TANDEM_NS_CLIENT_ID, TANDEM_NS_CERTIFICATE_ID and TANDEM_NS_PRIVATE_KEY_FILE (OAuth 2.0 client credentials) "+
			"or TANDEM_NS_CONSUMER_KEY, TANDEM_NS_CONSUMER_SECRET, TANDEM_NS_TOKEN_ID and TANDEM_NS_TOKEN_SECRET (token-based authentication)")
	}
	return missing, conflicts
}

// unset names the variables of name, value pairs whose value is empty.
func unset(pairs ...string) []string {
	var names []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			names = append(names, pairs[i])
		}
	}
	return names
}
