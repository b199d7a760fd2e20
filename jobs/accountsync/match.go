package accountsync

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// Matching: a record without a link looks for its twin before anything is
// created. The external id first, then the configured match keys; a key
// links only when exactly one unlinked record matches it. Several matches,
// or a namesake whose country cannot be compared, go to the review list: a
// name alone never links, and never creates blindly beside a namesake.

// maxCandidates bounds the records a match key reads.
const maxCandidates = 50

// candidate is a record on the other side that could be the twin.
type candidate struct {
	id, name, country, domain, email string
	linked                           bool // already the twin of another record
}

// twinInNetSuite finds, links or creates the NetSuite twin of a Salesforce
// record. done means the pair was created in step and needs no merge.
func (s pairSync) twinInNetSuite(ctx context.Context, rec salesforce.Record, taskID string) (nsID string, done bool, err error) {
	sfID := rec.String("Id")
	if err := s.parentLinked(rec); err != nil {
		return "", false, err
	}
	if existing, err := s.readNS(ctx, netsuite.ExternalID(sfID)); err != nil {
		return "", false, err
	} else if existing != nil {
		return existing.String("id"), false, s.linkInSalesforce(ctx, sfID, existing.String("id"))
	}
	me := s.sfCandidate(rec)
	choice, err := s.choose(ctx, SideSalesforce, me, taskID, func() ([]candidate, error) { return s.nsCandidates(ctx, me) })
	if err != nil || choice == "" {
		return "", false, err
	}
	if choice != jobs.ReviewCreate {
		s.Stats.Links.Add(1)
		if err := s.NetSuite.UpdateRecord(ctx, s.nsType, choice, map[string]any{"externalId": sfID}, nil); err != nil {
			return "", false, fmt.Errorf("linking NetSuite %s %s to %s %s: %w", s.nsType, choice, s.sfObject, sfID, err)
		}
		s.Stats.NetSuiteWrites.Add(1)
		return choice, false, s.linkInSalesforce(ctx, sfID, choice)
	}
	sess := &mapping.Session{Finder: s.Finder, Rates: s.Rates}
	body, err := s.toNS.Apply(ctx, sess, rec, nil)
	if err != nil {
		return "", false, err
	}
	id, err := s.NetSuite.UpsertRecord(ctx, s.nsType, sfID, body, &netsuite.WriteOptions{Replace: sublistsIn(body)})
	if err != nil {
		return "", false, fmt.Errorf("creating NetSuite %s for %s %s: %w", s.nsType, s.sfObject, sfID, err)
	}
	if id == "" {
		created, err := s.readNS(ctx, netsuite.ExternalID(sfID))
		if err != nil || created == nil {
			return "", false, fmt.Errorf("reading back NetSuite %s %s: %w", s.nsType, sfID, err)
		}
		id = created.String("id")
	}
	s.Stats.Creates.Add(1)
	s.Stats.NetSuiteWrites.Add(1)
	s.Logger.InfoContext(ctx, "netsuite record created", "pair", s.name, "salesforce_id", sfID, "netsuite_id", id)
	if err := s.linkInSalesforce(ctx, sfID, id); err != nil {
		return "", false, err
	}
	// Both sides now hold the Salesforce values: that is the agreed base.
	st := pairState{Base: hashGroups(s.rules.Groups, rec), SFModified: parseTime(rec.String("LastModifiedDate")), NSID: id}
	return id, true, s.store.save(ctx, sfID, st)
}

// twinInSalesforce finds, links or creates the Salesforce twin of a
// NetSuite record.
func (s pairSync) twinInSalesforce(ctx context.Context, rec netsuite.Record, taskID string) (sfID string, done bool, err error) {
	nsID := rec.String("id")
	sess := &mapping.Session{Finder: s.Finder, Rates: s.Rates}
	asSF, err := s.nsAsSF(ctx, sess, rec)
	if err != nil {
		return "", false, err
	}
	me := s.sfCandidate(asSF)
	me.id = nsID
	choice, err := s.choose(ctx, SideNetSuite, me, taskID, func() ([]candidate, error) { return s.sfCandidates(ctx, me) })
	if err != nil || choice == "" {
		return "", false, err
	}
	if choice != jobs.ReviewCreate {
		s.Stats.Links.Add(1)
		if err := s.linkInSalesforce(ctx, choice, nsID); err != nil {
			return "", false, err
		}
		return choice, false, s.linkInNetSuite(ctx, nsID, choice)
	}
	body := maps.Clone(asSF)
	delete(body, "NetSuite_Id__c") // the upsert key goes in the URL
	res, err := s.Salesforce.Upsert(ctx, s.sfObject, "NetSuite_Id__c", nsID, body)
	if err != nil {
		return "", false, fmt.Errorf("creating %s for NetSuite %s %s: %w", s.sfObject, s.nsType, nsID, err)
	}
	s.Stats.Creates.Add(1)
	s.Stats.SalesforceWrites.Add(1)
	s.Logger.InfoContext(ctx, "salesforce record created", "pair", s.name, "netsuite_id", nsID, "salesforce_id", res.ID)
	if err := s.linkInNetSuite(ctx, nsID, res.ID); err != nil {
		return "", false, err
	}
	st := pairState{Base: hashGroups(s.rules.Groups, asSF), NSModified: parseTime(fmt.Sprint(rec["lastModifiedDate"])), NSID: nsID}
	return res.ID, true, s.store.save(ctx, res.ID, st)
}

// choose decides the twin: a person's earlier choice from the review list,
// else the one match, else "create"; ambiguity goes to the review list and
// fails the job for good, naming the candidates.
func (s pairSync) choose(ctx context.Context, from Side, me candidate, taskID string, find func() ([]candidate, error)) (string, error) {
	sourceID := me.id
	if from == SideNetSuite {
		sourceID = "ns:" + me.id
	}
	if s.Review != nil {
		res, ok, err := s.Review.Decision(ctx, s.name, sourceID)
		if err != nil {
			return "", err
		}
		if ok {
			return res.Choice, nil
		}
	}
	cands, err := find()
	if err != nil {
		return "", err
	}
	chosen, ambiguous, why := s.pick(me, cands)
	if len(ambiguous) == 0 {
		return chosen, nil
	}
	s.Stats.Reviews.Add(1)
	other := from.other()
	item := jobs.ReviewItem{Flow: s.name, Reason: why, TaskID: taskID,
		Source: jobs.ReviewRecord{System: string(from), Object: s.objectOf(from), ID: me.id, Name: me.name}}
	item.ID = jobs.ReviewID(s.name, sourceID)
	var named []string
	for _, c := range ambiguous {
		item.Candidates = append(item.Candidates, jobs.Candidate{System: string(other), Object: s.objectOf(other), ID: c.id, Name: c.name, Why: why})
		named = append(named, fmt.Sprintf("%s %q", c.id, c.name))
	}
	if s.Review != nil {
		if _, err := s.Review.Add(ctx, item); err != nil {
			return "", err
		}
	}
	return "", &jobs.PermanentError{Msg: fmt.Sprintf("%s %s %q: %s: %s; not guessing: choose one with POST /admin/review/%s/resolve (listed at GET /admin/review); resolving replays this job",
		s.objectOf(from), me.id, me.name, why, strings.Join(named, ", "), item.ID)}
}

// pick applies the match keys in order. It returns the chosen id (or
// jobs.ReviewCreate), or the ambiguous candidates and why.
func (s pairSync) pick(me candidate, cands []candidate) (string, []candidate, string) {
	free := slices.DeleteFunc(slices.Clone(cands), func(c candidate) bool { return c.linked })
	for _, key := range s.rules.Match {
		var hits []candidate
		for _, c := range free {
			if matches(key, me, c) {
				hits = append(hits, c)
			}
		}
		switch {
		case len(hits) == 1:
			return hits[0].id, nil, ""
		case len(hits) > 1:
			return "", hits, fmt.Sprintf("%d records match on %s", len(hits), key)
		}
	}
	// No key matched. A namesake whose country cannot be compared might
	// still be the twin: ask rather than create a duplicate beside it.
	var namesakes []candidate
	for _, c := range free {
		if normalName(c.name) == normalName(me.name) && me.name != "" && (c.country == "" || me.country == "") {
			namesakes = append(namesakes, c)
		}
	}
	if len(namesakes) > 0 {
		return "", namesakes, "same name, country unknown on one side"
	}
	return jobs.ReviewCreate, nil, ""
}

func matches(key string, me, c candidate) bool {
	switch key {
	case MatchNameAndCountry:
		return me.name != "" && me.country != "" && normalName(c.name) == normalName(me.name) && c.country == me.country
	case MatchWebsiteDomain:
		return me.domain != "" && c.domain == me.domain
	case MatchEmail:
		return me.email != "" && strings.EqualFold(c.email, me.email)
	}
	return false
}

// sfCandidate describes a record in Salesforce's field space (a Salesforce
// record, or a NetSuite one through its mapping) for matching.
func (s pairSync) sfCandidate(rec map[string]any) candidate {
	name := str(rec, "Name")
	if s.sfObject == "Contact" {
		name = strings.TrimSpace(str(rec, "FirstName") + " " + str(rec, "LastName"))
	}
	return candidate{id: str(rec, "Id"), name: name, country: s.country(str(rec, "BillingCountry")),
		domain: domainOf(str(rec, "Website")), email: strings.ToLower(str(rec, "Email")), linked: str(rec, "NetSuite_Id__c") != ""}
}

// nsCandidates are NetSuite records that could be the twin of me.
func (s pairSync) nsCandidates(ctx context.Context, me candidate) ([]candidate, error) {
	var queries [][2]string // query, parameter
	if s.nsType == "customer" {
		if w := firstWord(me.name); w != "" {
			queries = append(queries, [2]string{"SELECT id FROM customer WHERE UPPER(companyname) LIKE ?", strings.ToUpper(w) + "%"})
		}
		if me.domain != "" {
			queries = append(queries, [2]string{"SELECT id FROM customer WHERE UPPER(url) LIKE ?", "%" + strings.ToUpper(me.domain) + "%"})
		}
	} else if me.email != "" {
		queries = append(queries, [2]string{"SELECT id FROM contact WHERE UPPER(email) = ?", strings.ToUpper(me.email)})
	}
	seen := map[string]bool{}
	var out []candidate
	for _, q := range queries {
		rows, err := s.NetSuite.SuiteQLAll(ctx, q[0], []any{q[1]})
		if err != nil {
			return nil, fmt.Errorf("looking for NetSuite %s matches: %w", s.nsType, err)
		}
		for _, r := range rows {
			id := r.String("id")
			if seen[id] || len(out) >= maxCandidates {
				continue
			}
			seen[id] = true
			rec, err := s.readNS(ctx, id)
			if err != nil || rec == nil {
				return nil, err
			}
			asSF, err := s.nsAsSF(ctx, &mapping.Session{Finder: s.Finder, Rates: s.Rates}, rec)
			if err != nil && !mapping.IsRecordError(err) {
				return nil, err
			}
			c := s.sfCandidate(asSF)
			c.id, c.linked = id, rec.String("externalId") != ""
			out = append(out, c)
		}
	}
	return out, nil
}

// sfCandidates are Salesforce records that could be the twin of me.
func (s pairSync) sfCandidates(ctx context.Context, me candidate) ([]candidate, error) {
	var wheres []string
	if s.sfObject == "Account" {
		if w := firstWord(me.name); w != "" {
			wheres = append(wheres, "Name LIKE '"+salesforce.EscapeSOQL(w)+"%'")
		}
		if me.domain != "" {
			wheres = append(wheres, "Website LIKE '%"+salesforce.EscapeSOQL(me.domain)+"%'")
		}
	} else if me.email != "" {
		wheres = append(wheres, "Email = '"+salesforce.EscapeSOQL(me.email)+"'")
	}
	if len(wheres) == 0 {
		return nil, nil
	}
	fields := "Id, Name, Website, BillingCountry, NetSuite_Id__c"
	if s.sfObject == "Contact" {
		fields = "Id, FirstName, LastName, Email, NetSuite_Id__c"
	}
	recs, err := s.Salesforce.Query(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s LIMIT %d", fields, s.sfObject, strings.Join(wheres, " OR "), maxCandidates))
	if err != nil {
		return nil, fmt.Errorf("looking for %s matches: %w", s.sfObject, err)
	}
	out := make([]candidate, 0, len(recs))
	for _, r := range recs {
		out = append(out, s.sfCandidate(r))
	}
	return out, nil
}

// parentLinked refuses, for now, a contact whose account has no NetSuite
// twin yet: the account's own sync links it, and this job is retried.
func (s pairSync) parentLinked(rec salesforce.Record) error {
	if s.sfObject != "Contact" || rec.String("AccountId") == "" || rec.String("Account.NetSuite_Id__c") != "" {
		return nil
	}
	return fmt.Errorf("contact %s: its account %s has no NetSuite customer yet; retrying after the account syncs", rec.String("Id"), rec.String("AccountId"))
}

// linkInSalesforce writes the NetSuite id onto the Salesforce record.
func (s pairSync) linkInSalesforce(ctx context.Context, sfID, nsID string) error {
	if err := s.Salesforce.Update(ctx, s.sfObject, sfID, map[string]any{"NetSuite_Id__c": nsID}); err != nil {
		return fmt.Errorf("writing NetSuite_Id__c %s to %s %s: %w", nsID, s.sfObject, sfID, err)
	}
	s.Stats.SalesforceWrites.Add(1)
	return nil
}

// linkInNetSuite writes the Salesforce id as the NetSuite record's
// external id.
func (s pairSync) linkInNetSuite(ctx context.Context, nsID, sfID string) error {
	if err := s.NetSuite.UpdateRecord(ctx, s.nsType, nsID, map[string]any{"externalId": sfID}, nil); err != nil {
		return fmt.Errorf("writing external id %s to NetSuite %s %s: %w", sfID, s.nsType, nsID, err)
	}
	s.Stats.NetSuiteWrites.Add(1)
	return nil
}

func (s pairSync) objectOf(side Side) string {
	if side == SideSalesforce {
		return s.sfObject
	}
	return s.nsType
}

// country is a country name or code as its ISO code, through the same
// table the mappings use.
func (s pairSync) country(v string) string {
	if v = strings.TrimSpace(v); v == "" {
		return ""
	}
	if code, ok := s.Mappings.TableValue("country_codes", v); ok && code != nil {
		return fmt.Sprint(code)
	}
	return strings.ToUpper(v)
}

// nonAlnum is anything but letters and digits, in any script.
var nonAlnum = regexp.MustCompile(`[^\pL\pN]+`)

// legalSuffixes are dropped when comparing company names.
var legalSuffixes = map[string]bool{"inc": true, "incorporated": true, "ltd": true, "limited": true, "llc": true, "plc": true,
	"gmbh": true, "ag": true, "sa": true, "sarl": true, "bv": true, "co": true, "corp": true, "corporation": true, "company": true}

// normalName compares company names: case, punctuation and legal
// suffixes aside.
func normalName(name string) string {
	words := strings.Fields(nonAlnum.ReplaceAllString(strings.ToLower(name), " "))
	words = slices.DeleteFunc(words, func(w string) bool { return legalSuffixes[w] })
	return strings.Join(words, " ")
}

func firstWord(name string) string {
	for _, w := range strings.Fields(nonAlnum.ReplaceAllString(name, " ")) {
		if len(w) >= 2 {
			return w
		}
	}
	return ""
}

// domainOf is a web address's host without "www.".
func domainOf(site string) string {
	site = strings.TrimSpace(strings.ToLower(site))
	if site == "" {
		return ""
	}
	if !strings.Contains(site, "://") {
		site = "http://" + site
	}
	u, err := url.Parse(site)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

func str(m map[string]any, key string) string {
	cur := any(m)
	for _, part := range strings.Split(key, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[part]
	}
	if cur == nil {
		return ""
	}
	return fmt.Sprint(cur)
}

// deleted applies the pair's deletion policy to the twin of a record that
// was deleted on side.
func (s pairSync) deleted(ctx context.Context, side Side, sfID, nsID string) error {
	policy := s.rules.OnDelete
	twinSide := side.other()
	twin := ""
	switch {
	case side == SideSalesforce:
		st, err := s.store.load(ctx, sfID)
		if err != nil {
			return err
		}
		twin = st.NSID
		if twin == "" {
			if rec, err := s.readNS(ctx, netsuite.ExternalID(sfID)); err != nil {
				return err
			} else if rec != nil {
				twin = rec.String("id")
			}
		}
	default:
		var err error
		if twin, err = s.linkedTo(ctx, nsID); err != nil {
			return fmt.Errorf("finding the twin of deleted NetSuite %s %s: %w", s.nsType, nsID, err)
		}
	}
	s.Logger.InfoContext(ctx, "record deleted", "pair", s.name, "side", side, "salesforce_id", sfID, "netsuite_id", nsID,
		"twin", twin, "policy", policy)
	if twin == "" || policy == DeleteIgnore {
		return nil
	}
	var err error
	switch {
	case policy == DeleteDelete && twinSide == SideNetSuite:
		err = s.NetSuite.DeleteRecord(ctx, s.nsType, twin)
	case policy == DeleteDelete:
		err = s.Salesforce.Delete(ctx, s.sfObject, twin)
	case policy == DeleteInactivate && twinSide == SideNetSuite:
		err = s.NetSuite.UpdateRecord(ctx, s.nsType, twin, map[string]any{"isInactive": true}, nil)
	case twinSide == SideNetSuite: // flag
		err = s.NetSuite.UpdateRecord(ctx, s.nsType, twin, map[string]any{s.flagField[SideNetSuite]: true}, nil)
	default: // flag or inactivate: Salesforce accounts and contacts have no inactive field
		err = s.Salesforce.Update(ctx, s.sfObject, twin, map[string]any{s.flagField[SideSalesforce]: true})
	}
	if err != nil {
		return fmt.Errorf("applying on_delete %s to the twin %s of a deleted %s record: %w", policy, twin, side, err)
	}
	if twinSide == SideNetSuite {
		s.Stats.NetSuiteWrites.Add(1)
	} else {
		s.Stats.SalesforceWrites.Add(1)
	}
	return nil
}
