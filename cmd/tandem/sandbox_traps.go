package main

import (
	"fmt"
	"strings"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
)

const trapNames = "deleted-empty, ns-non-admin, ns-401, jwt-aud=classic|my-domain, fls, fls-without=Object.Field, automation, single-currency"

// AutomationPhone is the Phone the "automation" trap's rule sets.
const AutomationPhone = "+1 415 555 0100"

// sandboxTraps turns TANDEM_SANDBOX_TRAPS into the sandboxes' options:
// behaviours of real orgs and accounts, off by default so the demo stays
// simple, on in the tests that show Tandem copes with them.
func sandboxTraps(traps []string, sf *sfsandbox.Config, ns *nssandbox.Config) error {
	for _, trap := range traps {
		name, value, _ := strings.Cut(strings.TrimSpace(trap), "=")
		switch name {
		case "deleted-empty":
			sf.OutboundDeletedEmpty = true
		case "ns-non-admin":
			ns.NonAdminRole = true
		case "ns-401":
			ns.Concurrency401 = true
		case "jwt-aud":
			if value != sfsandbox.JWTAudienceClassic && value != sfsandbox.JWTAudienceMyDomain {
				return fmt.Errorf("TANDEM_SANDBOX_TRAPS: %q: want jwt-aud=%s or jwt-aud=%s", trap, sfsandbox.JWTAudienceClassic, sfsandbox.JWTAudienceMyDomain)
			}
			sf.JWTAudience = value
		case "single-currency":
			sf.SingleCurrency = true
		case "fls":
			sf.FieldSecurity = true
		case "fls-without":
			// An org whose copy of the permission set lacks one field.
			perms := sf.FieldPermissions
			if perms == nil {
				var err error
				if perms, err = shipped.FieldPermissions(shipped.IntegrationPermissionSet); err != nil {
					return err
				}
			}
			if _, ok := perms[value]; !ok {
				return fmt.Errorf("TANDEM_SANDBOX_TRAPS: %q: %s grants no field %q", trap, shipped.IntegrationPermissionSet, value)
			}
			delete(perms, value)
			sf.FieldSecurity, sf.FieldPermissions = true, perms
		case "automation":
			// A before-save flow of the org: an Account whose Website changes
			// gets this Phone, inside the same transaction.
			sf.Automation = append(sf.Automation, sfsandbox.Automation{Object: "Account", WhenChanged: "Website", Set: map[string]any{"Phone": AutomationPhone}})
		default:
			return fmt.Errorf("TANDEM_SANDBOX_TRAPS: unknown trap %q (want %s)", trap, trapNames)
		}
	}
	return nil
}
