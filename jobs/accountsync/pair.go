package accountsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// SalesforceAPI is what the flow needs of Salesforce; *salesforce.Client
// implements it.
type SalesforceAPI interface {
	jobs.SalesforceAPI
	Upsert(ctx context.Context, object, extField, extID string, fields map[string]any) (salesforce.UpsertResult, error)
	Delete(ctx context.Context, object, id string) error
}

// NetSuiteAPI is what the flow needs of NetSuite; *netsuite.Client
// implements it.
type NetSuiteAPI interface {
	jobs.NetSuiteAPI
	UpdateRecord(ctx context.Context, recordType, id string, body any, opt *netsuite.WriteOptions) error
	DeleteRecord(ctx context.Context, recordType, id string) error
	SuiteQLAll(ctx context.Context, query string, params []any) ([]netsuite.Row, error)
}

// Options are the flow's own settings.
type Options struct {
	RulesFile string // TANDEM_SYNC_RULES: the user's sync rules; "" = the shipped ones
	Stats     *Stats // counts what every handler did; nil = not counted
}

// Flow registers the flow with the worker: it handles both directions of
// both pair kinds.
func Flow(o Options) jobs.Flow {
	return jobs.Flow{Name: "accountsync", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) { return handlers(d, o) }}
}

// routes are the task types the flow handles: which pair kind, changed on
// which side.
var routes = []struct {
	taskType, kind string
	from           Side
}{
	{jobs.TypeAccountToCustomer, PairAccountCustomer, SideSalesforce},
	{jobs.TypeCustomerToAccount, PairAccountCustomer, SideNetSuite},
	{jobs.TypeContactToNSContact, PairContact, SideSalesforce},
	{jobs.TypeNSContactToContact, PairContact, SideNetSuite},
}

func handlers(d jobs.FlowDeps, o Options) (map[string]asynq.Handler, error) {
	rules, err := LoadSyncRules(o.RulesFile)
	if err != nil {
		return nil, err
	}
	deps := Deps{Salesforce: d.Salesforce, NetSuite: d.NetSuite, Finder: d.Finder, Rates: d.Rates, Redis: d.Redis,
		Review: jobs.NewReviewStore(d.Redis), Mappings: d.Mappings, Rules: rules, Stats: o.Stats, Logger: d.Logger}
	out := make(map[string]asynq.Handler, len(routes))
	for _, r := range routes {
		h, err := NewHandler(r.kind, r.from, deps)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.kind, err)
		}
		out[r.taskType] = h
	}
	return out, nil
}

// Deps is what the handlers need.
type Deps struct {
	Salesforce SalesforceAPI
	NetSuite   NetSuiteAPI
	Finder     mapping.Finder
	Rates      mapping.RateSource
	Redis      redis.UniversalClient
	Review     *jobs.ReviewStore
	Mappings   *mapping.Set
	Rules      SyncRules
	Stats      *Stats // may be shared by every handler; nil = not counted
	Logger     *slog.Logger
}

// Stats counts what the flow did, for tests, benchmarks and metrics.
type Stats struct {
	EchoDrops        atomic.Int64 // events about a record already in step: nothing to write
	OverruledDrops   atomic.Int64 // changes overruled by a master or a later change
	SalesforceWrites atomic.Int64
	NetSuiteWrites   atomic.Int64
	Creates          atomic.Int64
	Links            atomic.Int64
	Reviews          atomic.Int64
}

// pairKind describes one kind of pair.
type pairKind struct {
	name       string // PairAccountCustomer, PairContact
	sfObject   string // "Account"
	sfPrefix   string // key prefix of its ids: "001"
	nsType     string // "customer"
	toNS, toSF *mapping.Mapping
	rules      PairRules
	flagField  map[Side]string // field marking a twin whose record was deleted (on_delete: flag)
}

var pairKinds = map[string]struct {
	sfObject, sfPrefix, nsType string
	toNS, toSF                 string
	flag                       map[Side]string
}{
	PairAccountCustomer: {"Account", "001", "customer", "account_to_customer", "customer_to_account",
		map[Side]string{SideNetSuite: "custentity_tandem_deleted_in_salesforce", SideSalesforce: "NetSuite_Deleted__c"}},
	PairContact: {"Contact", "003", "contact", "contact_to_nscontact", "nscontact_to_contact",
		map[Side]string{SideNetSuite: "custentity_tandem_deleted_in_salesforce", SideSalesforce: "NetSuite_Deleted__c"}},
}

// NewHandler returns the handler for changes of one kind of pair coming
// from one side.
func NewHandler(kind string, from Side, d Deps) (asynq.HandlerFunc, error) {
	k, err := d.kind(kind)
	if err != nil {
		return nil, err
	}
	s := pairSync{Deps: d, pairKind: k, store: pairStore{rdb: d.Redis, kind: kind}, emails: newTTLCache(employeeEmailTTL)}
	if s.Stats == nil {
		s.Stats = &Stats{}
	}
	return jobs.ChangeHandler(func(ctx context.Context, ch jobs.Change) error {
		taskID, _ := asynq.GetTaskID(ctx)
		if from == SideSalesforce {
			return s.fromSalesforce(ctx, ch, taskID)
		}
		return s.fromNetSuite(ctx, ch, taskID)
	}), nil
}

func (d Deps) kind(name string) (pairKind, error) {
	def, ok := pairKinds[name]
	if !ok {
		return pairKind{}, fmt.Errorf("unknown pair kind %q", name)
	}
	rules, ok := d.Rules[name]
	if !ok {
		return pairKind{}, fmt.Errorf("sync rules have no %s pair", name)
	}
	toNS, err := d.Mappings.Mapping(def.toNS)
	if err != nil {
		return pairKind{}, err
	}
	toSF, err := d.Mappings.Mapping(def.toSF)
	if err != nil {
		return pairKind{}, err
	}
	rules.Groups = orgGroups(rules.Groups, d.Mappings)
	return pairKind{name: name, sfObject: def.sfObject, sfPrefix: def.sfPrefix, nsType: def.nsType,
		toNS: toNS, toSF: toSF, rules: rules, flagField: def.flag}, nil
}

// orgGroups leaves out the Salesforce fields the org has not got
// (CurrencyIsoCode without multi-currency), and a group left with none.
func orgGroups(groups []FieldGroup, maps *mapping.Set) []FieldGroup {
	var out []FieldGroup
	for _, g := range groups {
		g.SalesforceFields = slices.DeleteFunc(slices.Clone(g.SalesforceFields), maps.SalesforceLacks)
		if len(g.SalesforceFields) > 0 {
			out = append(out, g)
		}
	}
	return out
}

type pairSync struct {
	Deps
	pairKind
	store  pairStore
	emails *ttlCache
}

// fromSalesforce handles a change of a Salesforce record.
func (s pairSync) fromSalesforce(ctx context.Context, ch jobs.Change, taskID string) error {
	sfID := ch.RecordID
	rec, err := s.readSF(ctx, sfID)
	if err != nil {
		return err
	}
	if rec == nil || ch.ChangeType == jobs.ChangeDelete {
		return s.deleted(ctx, SideSalesforce, sfID, "")
	}
	nsID := rec.String("NetSuite_Id__c")
	if nsID == "" {
		var done bool
		if nsID, done, err = s.twinInNetSuite(ctx, rec, taskID); err != nil || done {
			return err
		}
	}
	return s.sync(ctx, SideSalesforce, sfID, nsID)
}

// fromNetSuite handles a change of a NetSuite record.
func (s pairSync) fromNetSuite(ctx context.Context, ch jobs.Change, taskID string) error {
	nsID := ch.RecordID
	rec, err := s.readNS(ctx, nsID)
	if err != nil {
		return err
	}
	if rec == nil || ch.ChangeType == jobs.ChangeDelete {
		return s.deleted(ctx, SideNetSuite, "", nsID)
	}
	sfID, err := s.sfTwinOf(ctx, rec)
	if err != nil {
		return err
	}
	if sfID == "" {
		var done bool
		if sfID, done, err = s.twinInSalesforce(ctx, rec, taskID); err != nil || done {
			return err
		}
	}
	return s.sync(ctx, SideNetSuite, sfID, nsID)
}

// sync merges a linked pair under its lock: read both sides, decide per
// group, write what changed, remember what both now agree on.
func (s pairSync) sync(ctx context.Context, from Side, sfID, nsID string) error {
	unlock, err := s.store.lock(ctx, sfID)
	if err != nil {
		return err
	}
	defer unlock()
	state, err := s.store.load(ctx, sfID)
	if err != nil {
		return err
	}
	sess := &mapping.Session{Finder: s.Finder, Rates: s.Rates}
	p := &pairView{}
	// Read the side that changed first: if it did not move from what both
	// last agreed on, the event is an echo and the other side need not be
	// read at all.
	for _, side := range []Side{from, from.other()} {
		if err := s.read(ctx, sess, p, side, sfID, nsID); err != nil {
			return err
		}
		if side == from && len(state.Base) > 0 && len(state.Pending) == 0 && maps.Equal(p.hashes(side), state.Base) {
			s.Stats.EchoDrops.Add(1)
			jobs.NoteEcho(ctx)
			s.Logger.InfoContext(ctx, "change already in step on both sides; nothing to write",
				"pair", s.name, "from", from, "salesforce_id", sfID, "netsuite_id", nsID)
			return nil
		}
	}
	settlePending(&state, p)
	decisions := merge(s.rules.Groups, p.sfHash, p.nsHash, state.Base, p.sfModified, p.nsModified, s.rules.TieBreak)
	s.logOverruled(ctx, decisions, p, sfID, nsID)
	final := pairState{Base: agreed(decisions, p), SFModified: p.sfModified, NSModified: p.nsModified, NSID: nsID}
	if pending := pendingWrites(decisions, p); len(pending) > 0 {
		ahead := state
		ahead.Pending = pending
		if err := s.store.save(ctx, sfID, ahead); err != nil {
			return err
		}
	}
	if err := s.writeWinners(ctx, sess, p, decisions, sfID, nsID); err != nil {
		return err
	}
	return s.store.save(ctx, sfID, final)
}

// pairView is both sides of a pair as read, in Salesforce's field space.
type pairView struct {
	sf, ns                 map[string]any // the records as read
	nsAsSF                 map[string]any // the NetSuite record through customer_to_account
	sfHash, nsHash         groupValues
	sfModified, nsModified time.Time
}

func (p *pairView) hashes(side Side) groupValues {
	if side == SideSalesforce {
		return p.sfHash
	}
	return p.nsHash
}

func (s pairSync) read(ctx context.Context, sess *mapping.Session, p *pairView, side Side, sfID, nsID string) error {
	if side == SideSalesforce {
		rec, err := s.readSF(ctx, sfID)
		if err != nil {
			return err
		}
		if rec == nil {
			return fmt.Errorf("%s %s vanished while syncing; will retry", s.sfObject, sfID)
		}
		p.sf, p.sfHash = rec, hashGroups(s.rules.Groups, rec)
		p.sfModified = parseTime(rec.String("LastModifiedDate"))
		return nil
	}
	rec, err := s.readNS(ctx, nsID)
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("NetSuite %s %s vanished while syncing; will retry", s.nsType, nsID)
	}
	asSF, err := s.nsAsSF(ctx, sess, rec)
	if err != nil {
		return err
	}
	p.ns, p.nsAsSF, p.nsHash = rec, asSF, hashGroups(s.rules.Groups, asSF)
	p.nsModified = parseTime(fmt.Sprint(rec["lastModifiedDate"]))
	return nil
}

// nsAsSF maps a NetSuite record into Salesforce's field space, with the
// variables its mapping declares read from NetSuite.
func (s pairSync) nsAsSF(ctx context.Context, sess *mapping.Session, rec netsuite.Record) (map[string]any, error) {
	vars := map[string]any{}
	for _, name := range s.toSF.Vars() {
		switch name {
		case "salesRepEmail":
			email, err := s.employeeEmail(ctx, rec.Ref("salesRep").ID)
			if err != nil {
				return nil, err
			}
			vars[name] = email
		default:
			vars[name] = nil
		}
	}
	return s.toSF.Apply(ctx, sess, rec, vars)
}

// employeeEmail is a NetSuite employee's email, remembered for a while:
// sales reps change rarely and every customer event would read one.
func (s pairSync) employeeEmail(ctx context.Context, id string) (any, error) {
	if id == "" {
		return nil, nil
	}
	if e, ok := s.emails.get(id); ok {
		return e, nil
	}
	rec, err := s.NetSuite.GetRecord(ctx, "employee", id, &netsuite.GetOptions{Fields: []string{"email"}})
	if err != nil {
		return nil, fmt.Errorf("reading the email of NetSuite employee %s: %w", id, err)
	}
	email := rec.String("email")
	s.emails.put(id, email)
	return email, nil
}

// writeWinners writes each winning group's fields to the other side, in
// at most one call per side, leaving out fields that already hold the
// value.
func (s pairSync) writeWinners(ctx context.Context, sess *mapping.Session, p *pairView, ds []decision, sfID, nsID string) error {
	if fields := fieldsOf(s.rules.Groups, ds, SideSalesforce, SideNetSuite); len(fields) > 0 {
		full, err := s.toNS.Apply(ctx, sess, p.sf, nil)
		if err != nil {
			return err
		}
		body := changedFields(fields, full, p.ns)
		if len(body) > 0 {
			if err := s.NetSuite.UpdateRecord(ctx, s.nsType, nsID, body, &netsuite.WriteOptions{Replace: sublistsIn(body)}); err != nil {
				return fmt.Errorf("updating NetSuite %s %s from %s %s: %w", s.nsType, nsID, s.sfObject, sfID, err)
			}
			s.Stats.NetSuiteWrites.Add(1)
			s.Logger.InfoContext(ctx, "netsuite record updated", "pair", s.name, "netsuite_id", nsID, "fields", slices.Sorted(maps.Keys(body)))
		}
	}
	if fields := fieldsOf(s.rules.Groups, ds, SideNetSuite, SideSalesforce); len(fields) > 0 {
		body := changedFields(fields, p.nsAsSF, p.sf)
		if len(body) > 0 {
			if err := s.Salesforce.Update(ctx, s.sfObject, sfID, body); err != nil {
				return fmt.Errorf("updating %s %s from NetSuite %s %s: %w", s.sfObject, sfID, s.nsType, nsID, err)
			}
			s.Stats.SalesforceWrites.Add(1)
			s.Logger.InfoContext(ctx, "salesforce record updated", "pair", s.name, "salesforce_id", sfID, "fields", slices.Sorted(maps.Keys(body)))
		}
	}
	return nil
}

// changedFields is the part of want, restricted to fields, that current
// does not already hold. A field want leaves out is cleared.
func changedFields(fields []string, want, current map[string]any) map[string]any {
	body := map[string]any{}
	for _, f := range slices.Compact(fields) {
		w, ok := want[f]
		if !ok {
			w = emptyLike(current[f])
		}
		if sameValue(w, current[f]) {
			continue
		}
		body[f] = w
	}
	return body
}

// emptyLike clears a field: null, or an empty sublist for a sublist.
func emptyLike(current any) any {
	if m, ok := current.(map[string]any); ok {
		if _, isList := m["items"]; isList {
			return map[string]any{"items": []any{}}
		}
	}
	return nil
}

// sameValue compares what Tandem would write with what a record holds,
// looking only at what it would write (a NetSuite reference read back
// carries refName and links besides the id written).
func sameValue(want, current any) bool {
	return canonicalEqual(canonical(want), canonical(project(want, current)))
}

func project(shape, v any) any {
	switch s := shape.(type) {
	case map[string]any:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(s))
		for k, sv := range s {
			out[k] = project(sv, m[k])
		}
		return out
	case []any:
		l, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(l))
		for i := range l {
			if i < len(s) {
				out[i] = project(s[i], l[i])
			} else {
				out[i] = l[i]
			}
		}
		return out
	}
	return v
}

func canonicalEqual(a, b any) bool { return canonicalJSON(a) == canonicalJSON(b) }

// sublistsIn names the body's sublists, written with ?replace= so a
// write leaves exactly these lines.
func sublistsIn(body map[string]any) []string {
	var out []string
	for k, v := range body {
		if m, ok := v.(map[string]any); ok {
			if _, isList := m["items"]; isList {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// pendingWrites are the values the merge is about to write: for each group
// one side wins, the other side's target value.
func pendingWrites(ds []decision, p *pairView) map[string]pendingWrite {
	out := map[string]pendingWrite{}
	for _, d := range ds {
		if d.Winner == "" {
			continue
		}
		out[d.Group] = pendingWrite{Target: d.Winner.other(), Hash: p.hashes(d.Winner)[d.Group]}
	}
	return out
}

// settlePending finishes what a crashed run left: a group whose target
// already holds the value Tandem set out to write got that write, so the
// value is agreed; otherwise the write never landed and the old base
// stands. Without this, Tandem's own write would look like a user's
// change on that side at the next event.
func settlePending(state *pairState, p *pairView) {
	for g, w := range state.Pending {
		if p.hashes(w.Target)[g] == w.Hash {
			state.Base[g] = w.Hash
		}
	}
	state.Pending = nil
}

// agreed is the base after the merge: each group's winning value, or the
// common one.
func agreed(ds []decision, p *pairView) groupValues {
	out := groupValues{}
	for _, d := range ds {
		switch d.Winner {
		case SideNetSuite:
			out[d.Group] = p.nsHash[d.Group]
		default:
			out[d.Group] = p.sfHash[d.Group]
		}
	}
	return out
}

// logOverruled logs and counts every change the merge overrules, with both
// modification times.
func (s pairSync) logOverruled(ctx context.Context, ds []decision, p *pairView, sfID, nsID string) {
	for _, d := range ds {
		if d.Drops == "" {
			continue
		}
		s.Stats.OverruledDrops.Add(1)
		jobs.NoteOverruled(ctx, s.name, d.Group)
		s.Logger.InfoContext(ctx, "change overruled", "pair", s.name, "group", d.Group, "dropped", d.Drops, "winner", d.Winner,
			"why", d.Why, "salesforce_id", sfID, "netsuite_id", nsID,
			"salesforce_modified", p.sfModified, "netsuite_modified", p.nsModified)
	}
}

// readSF reads the Salesforce record with every field the pair needs; nil
// when it does not exist (or was deleted).
func (s pairSync) readSF(ctx context.Context, id string) (salesforce.Record, error) {
	reads := jobs.NewReadList("Id", "NetSuite_Id__c", "LastModifiedDate")
	for _, g := range s.rules.Groups {
		reads.Add("", g.SalesforceFields...)
	}
	reads.AddReads("", s.toNS.Reads())
	recs, err := s.Salesforce.Query(ctx, reads.SOQL(s.sfObject, jobs.ByID(id)))
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", s.sfObject, id, err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

// readNS reads the NetSuite record with its sublists; nil when it does not
// exist.
func (s pairSync) readNS(ctx context.Context, id string) (netsuite.Record, error) {
	rec, err := s.NetSuite.GetRecord(ctx, s.nsType, id, &netsuite.GetOptions{ExpandSubResources: true})
	if errors.Is(err, connectors.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading NetSuite %s %s: %w", s.nsType, id, err)
	}
	return rec, nil
}

// sfTwinOf is the Salesforce id linked to a NetSuite record: its external
// id, else the record whose NetSuite_Id__c names it.
func (s pairSync) sfTwinOf(ctx context.Context, rec netsuite.Record) (string, error) {
	if ext := rec.String("externalId"); strings.HasPrefix(ext, s.sfPrefix) && (len(ext) == 15 || len(ext) == 18) {
		return ext, nil
	}
	id, err := s.linkedTo(ctx, rec.String("id"))
	if err != nil {
		return "", fmt.Errorf("finding the %s linked to NetSuite %s %s: %w", s.sfObject, s.nsType, rec.String("id"), err)
	}
	return id, nil
}

// linkedTo is the Salesforce record whose NetSuite_Id__c names a NetSuite
// record; "" when none does.
func (s pairSync) linkedTo(ctx context.Context, nsID string) (string, error) {
	ids, err := jobs.SalesforceIDs(ctx, s.Salesforce, s.sfObject, "NetSuite_Id__c", nsID)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
