package sandbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// OutboundRule is an Outbound Message action fired when a record of
// Object is created and every time it is edited (and Criteria holds).
type OutboundRule struct {
	Object string
	// Fields are the fields the message carries (Id always).
	Fields []string
	// URL is the endpoint; "" = Config.OutboundURL / SetOutboundURL.
	URL string
	// SendSessionID puts a session of the integration user ("User to send
	// as") into SessionId; otherwise SessionId is xsi:nil.
	SendSessionID bool
	// ActionID is the action's 04k… id; "" = generated.
	ActionID string
	// Criteria filters records (Go API value forms); nil = every change. It
	// must not call back into the sandbox.
	Criteria func(record map[string]any) bool
}

// DefaultOutboundRules are the rules Tandem's setup creates: Opportunity,
// Account and Contact with the fields its handlers read.
func DefaultOutboundRules() []OutboundRule {
	audit := []string{"LastModifiedDate", "SystemModstamp"}
	address := func(prefix string) []string {
		return []string{prefix + "Street", prefix + "City", prefix + "State", prefix + "PostalCode", prefix + "Country"}
	}
	return []OutboundRule{
		{Object: "Opportunity", Fields: []string{"Id", "Name", "AccountId", "StageName", "IsWon", "IsClosed", "Amount",
			"CloseDate", "CurrencyIsoCode", "LastModifiedDate", "SystemModstamp"}},
		{Object: "Account", Fields: slices.Concat([]string{"Id", "Name", "Phone", "Website", "Industry", "OwnerId",
			"CurrencyIsoCode", "NetSuite_Id__c"}, address("Billing"), address("Shipping"), audit)},
		{Object: "Contact", Fields: slices.Concat([]string{"Id", "AccountId", "FirstName", "LastName", "Email", "Phone",
			"Title", "NetSuite_Id__c"}, address("Mailing"), audit)},
	}
}

// withoutCurrency drops CurrencyIsoCode from the rules' fields: a
// single-currency org has no such field to pick for a message.
func withoutCurrency(rules []OutboundRule) []OutboundRule {
	out := slices.Clone(rules)
	for i := range out {
		out[i].Fields = slices.DeleteFunc(slices.Clone(out[i].Fields), func(f string) bool { return f == "CurrencyIsoCode" })
	}
	return out
}

// compiledRule is a rule checked against the schema: canonical object,
// its fields sorted the way Salesforce writes them (Id first, then by name).
type compiledRule struct {
	OutboundRule
	object *schema.Object
	fields []*schema.Field
}

func compileRules(s *schema.Schema, rules []OutboundRule) ([]compiledRule, error) {
	out := make([]compiledRule, len(rules))
	for i, r := range rules {
		o, ok := s.Object(r.Object)
		if !ok {
			return nil, fmt.Errorf("sandbox: outbound rule %d: unknown object %q", i, r.Object)
		}
		c := compiledRule{OutboundRule: r, object: o}
		c.Object = o.Name
		idField, _ := o.Field("Id")
		c.fields = []*schema.Field{idField}
		for _, name := range r.Fields {
			f, ok := o.Field(name)
			if !ok {
				return nil, fmt.Errorf("sandbox: outbound rule %d: no field %q on %s", i, name, o.Name)
			}
			if f != idField && !slices.Contains(c.fields, f) {
				c.fields = append(c.fields, f)
			}
		}
		slices.SortFunc(c.fields[1:], func(a, b *schema.Field) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
		if c.ActionID == "" {
			c.ActionID = sfid.New("04k", uint64(i+1))
		} else if _, ok := sfid.Normalize(c.ActionID); !ok {
			return nil, fmt.Errorf("sandbox: outbound rule %d: ActionID %q is not a Salesforce id", i, c.ActionID)
		}
		out[i] = c
	}
	return out, nil
}
