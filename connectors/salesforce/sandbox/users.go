package sandbox

import (
	"fmt"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// SeedUser is a seeded user other than the integration and sales users.
type SeedUser struct {
	ID, Username, Name string
	Active             bool
}

// Managers are the seeded customer success managers the onboarding flow
// assigns (jobs/onboarding/onboarding.yaml names them by id): users 3 to
// 6, the last one inactive, as a manager who left the company is.
var Managers = []SeedUser{
	{sfid.New(schema.UserPrefix, 3), "casey.success@tandem.sandbox", "Casey Success", true},
	{sfid.New(schema.UserPrefix, 4), "morgan.onboard@tandem.sandbox", "Morgan Onboard", true},
	{sfid.New(schema.UserPrefix, 5), "riley.care@tandem.sandbox", "Riley Care", true},
	{sfid.New(schema.UserPrefix, 6), "jordan.gone@tandem.sandbox", "Jordan Gone", false},
}

// managers creates the Managers; their ids follow the two seeded users'.
func (sd *seeder) managers() {
	for _, u := range Managers {
		first, last, _ := strings.Cut(u.Name, " ")
		id := sd.create("User", map[string]any{"Username": u.Username, "Email": u.Username, "FirstName": first,
			"LastName": last, "IsActive": u.Active})
		if sd.err == nil && id != u.ID {
			sd.err = errSeedID(u.Username, id, u.ID)
		}
	}
}

func errSeedID(username, got, want string) error {
	return fmt.Errorf("seeded user %s got id %s, want %s", username, got, want)
}

// inactiveOwner refuses a record owned by an inactive user, as Salesforce
// does (INACTIVE_OWNER_OR_USER).
func inactiveOwner(tx *txn, row map[string]any, object string) *APIError {
	id, _ := row["OwnerId"].(string)
	if u, ok := tx.st.rows[id]; ok && u["IsActive"] == false {
		return dmlErr("INACTIVE_OWNER_OR_USER", "operation performed with inactive user ["+id+"] as owner of "+strings.ToLower(object))
	}
	return nil
}
