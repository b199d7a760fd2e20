package accountsync

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"sort"
	"strings"
	"time"
)

// Side is one of the two systems.
type Side string

const (
	SideSalesforce Side = "salesforce"
	SideNetSuite   Side = "netsuite"
)

func (s Side) other() Side {
	if s == SideSalesforce {
		return SideNetSuite
	}
	return SideSalesforce
}

// FieldGroup is fields that travel together and share one master.
type FieldGroup struct {
	Name             string   `yaml:"name"`
	Master           Side     `yaml:"master"`     // "" = the later modification wins
	SalesforceFields []string `yaml:"salesforce"` // fields of the Salesforce object in this group
	NetSuiteFields   []string `yaml:"netsuite"`   // fields of the NetSuite record in this group
}

// groupValues are one side's values per group, hashed.
type groupValues map[string]string

// decision is what the merge decided for one group.
type decision struct {
	Group  string
	Winner Side   // the side whose value both end with; "" when they already agree
	Drops  Side   // the side whose change was overruled, if any
	Why    string // for the log
}

// merge decides every group. sf and ns are the hashed values of each side
// in Salesforce's field space; base is what both last agreed on (missing
// groups are unknown: the first sync of a pair).
func merge(groups []FieldGroup, sf, ns, base groupValues, sfModified, nsModified time.Time, tieBreak Side) []decision {
	out := make([]decision, 0, len(groups))
	for _, g := range groups {
		a, b := sf[g.Name], ns[g.Name]
		d := decision{Group: g.Name}
		known, hasBase := base[g.Name]
		sfMoved, nsMoved := !hasBase || a != known, !hasBase || b != known
		switch {
		case a == b:
			d.Why = "in step"
		case hasBase && sfMoved && !nsMoved:
			d.Winner, d.Why = SideSalesforce, "changed in salesforce"
		case hasBase && nsMoved && !sfMoved:
			d.Winner, d.Why = SideNetSuite, "changed in netsuite"
		case g.Master != "":
			d.Winner, d.Why = g.Master, "changed on both sides; master wins"
		default:
			d.Winner, d.Why = later(sfModified, nsModified, tieBreak), "changed on both sides; later modification wins"
			if !hasBase {
				d.Why = "first sync; later modification wins"
			}
		}
		// A master's value stands even when only the other side moved.
		if g.Master != "" && d.Winner != "" && d.Winner != g.Master {
			d.Winner, d.Why = g.Master, d.Why+"; overruled by master "+string(g.Master)
		}
		if d.Winner != "" {
			loser := d.Winner.other()
			if (loser == SideSalesforce && sfMoved) || (loser == SideNetSuite && nsMoved) {
				d.Drops = loser
			}
		}
		out = append(out, d)
	}
	return out
}

// later compares modification times to the second, NetSuite's precision:
// two edits within the same second tie, and the tie-break decides.
func later(sfModified, nsModified time.Time, tieBreak Side) Side {
	sfModified, nsModified = sfModified.Truncate(time.Second), nsModified.Truncate(time.Second)
	switch {
	case sfModified.After(nsModified):
		return SideSalesforce
	case nsModified.After(sfModified):
		return SideNetSuite
	}
	return tieBreak
}

// hashGroups hashes a record's values (in Salesforce's field space) per
// group.
func hashGroups(groups []FieldGroup, values map[string]any) groupValues {
	out := make(groupValues, len(groups))
	for _, g := range groups {
		part := make(map[string]any, len(g.SalesforceFields))
		for _, f := range g.SalesforceFields {
			part[f] = values[f]
		}
		sum := sha256.Sum256([]byte(canonicalJSON(part)))
		out[g.Name] = hex.EncodeToString(sum[:12])
	}
	return out
}

// canonicalJSON is v in canonical form as JSON (map keys sorted).
func canonicalJSON(v any) string {
	b, _ := json.Marshal(canonical(v))
	return string(b)
}

// canonical makes equal values compare equal whatever system they came
// from: empty strings are null (Salesforce returns null for blanks),
// strings are trimmed, numbers are float64, records lose their
// "attributes" and "links".
func canonical(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil
		}
		return s
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return canonicalNumber(f)
	case float64:
		return canonicalNumber(x)
	case float32:
		return canonicalNumber(float64(x))
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k == "attributes" || k == "links" {
				continue
			}
			if c := canonical(e); c != nil {
				out[k] = c
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonical(e)
		}
		return out
	}
	return v
}

func canonicalNumber(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return math.Round(f*1e6) / 1e6
}

// fieldsOf returns the fields of the groups decided for side, sorted.
func fieldsOf(groups []FieldGroup, ds []decision, winner Side, side Side) []string {
	byName := map[string]FieldGroup{}
	for _, g := range groups {
		byName[g.Name] = g
	}
	var fields []string
	for _, d := range ds {
		if d.Winner != winner {
			continue
		}
		g := byName[d.Group]
		if side == SideSalesforce {
			fields = append(fields, g.SalesforceFields...)
		} else {
			fields = append(fields, g.NetSuiteFields...)
		}
	}
	sort.Strings(fields)
	return fields
}
