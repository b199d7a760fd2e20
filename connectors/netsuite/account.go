package netsuite

import "regexp"

// accountIDPattern is the account id as NetSuite documents it: letters and
// digits (1234567, TSTDRV1234567), optionally one suffix after an
// underscore for a sandbox or release preview (1234567_SB1, 1234567_RP).
// The hyphenated, lower-case spelling of the account's host name
// (1234567-sb1) is accepted too: the realm and host are derived from
// either.
var accountIDPattern = regexp.MustCompile(`^[A-Za-z0-9]+([_-][A-Za-z0-9]+)?$`)

// ValidAccountID reports whether id is a NetSuite account id. It is the
// one rule: the client checks Config.AccountID with it and config checks
// TANDEM_NS_ACCOUNT_ID.
func ValidAccountID(id string) bool { return accountIDPattern.MatchString(id) }
