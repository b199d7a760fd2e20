package sandbox

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/internal/delivery"
)

// scriptCase is one committed change and what the user event script is
// given for it.
type scriptCase struct {
	src           source
	before, after *record
	now           time.Time
}

// stored is a copy of a stored record, nil if there is none.
func (a *testAccount) stored(typ, id string) *record {
	rt, _ := lookupType(typ)
	a.srv.store.mu.Lock()
	defer a.srv.store.mu.Unlock()
	if r, ok := a.srv.store.find(rt, id); ok {
		return r.clone()
	}
	return nil
}

// scriptRun drives changes and remembers each one's scriptCase.
type scriptRun struct {
	t     *testing.T
	a     *testAccount
	clock *fixedClock
	cases []scriptCase
}

// change runs do (which returns the record's id) a minute after the last
// change and records it.
func (run *scriptRun) change(typ, id string, src source, do func() string) string {
	run.t.Helper()
	run.clock.Advance(time.Minute)
	before := run.a.stored(typ, id)
	id = do()
	run.cases = append(run.cases, scriptCase{src: src, before: before, after: run.a.stored(typ, id), now: run.clock.Now().Truncate(time.Second)})
	return id
}

func (run *scriptRun) rest(method, typ, id, query string, body map[string]any) string {
	run.t.Helper()
	return run.change(typ, id, run.a.srv.restSource(), func() string {
		if method == http.MethodPost {
			return run.a.created(typ, body)
		}
		if res := run.a.do(method, recordPath+typ+"/"+id+query, body); res.status != http.StatusNoContent {
			run.t.Fatalf("%s %s/%s: %d %s", method, typ, id, res.status, res.raw)
		}
		return id
	})
}

func (run *scriptRun) inline(typ, id string, fields map[string]any) {
	run.t.Helper()
	src := uiSource
	src.inline, _ = inlineFields(recordTypes[strings.ToLower(typ)], fields)
	run.change(typ, id, src, func() string {
		if err := run.a.srv.PutFields(typ, id, fields); err != nil {
			run.t.Fatal(err)
		}
		return id
	})
}

func (run *scriptRun) ui(typ, id string, body map[string]any) {
	run.t.Helper()
	run.change(typ, id, uiSource, func() string {
		body["id"] = id
		if _, err := run.a.srv.Put(typ, body); err != nil {
			run.t.Fatal(err)
		}
		return id
	})
}

func ref1(id string) map[string]any { return map[string]any{"id": id} }

func items(lines ...map[string]any) map[string]any {
	out := []any{}
	for _, l := range lines {
		out = append(out, l)
	}
	return map[string]any{"items": out}
}

func price(currency, level string, amount, quantity float64) map[string]any {
	l := map[string]any{"priceLevel": ref1(level), "price": amount, "quantity": map[string]any{"value": quantity}}
	if currency != "" {
		l["currencyPage"] = ref1(currency)
	}
	return l
}

func berlin(street string) map[string]any {
	return items(map[string]any{"label": "HQ", "defaultBilling": true, "defaultShipping": true, "addressBookAddress": map[string]any{
		"addr1": street, "city": "Berlin", "zip": "10117", "country": ref1("DE")}})
}

// everyKindOfChange creates, edits (REST and UI), inline-edits and deletes
// a record of each type the script is deployed on.
func everyKindOfChange(run *scriptRun) {
	customer := run.rest(http.MethodPost, "customer", "", "", map[string]any{"companyName": "Müller & Söhne GmbH",
		"subsidiary": ref1("3"), "email": "ap@mueller.example", "phone": "+49 30 1234567", "url": "https://mueller.example",
		"creditLimit": 50000, "salesRep": ref1("100"), "addressBook": berlin("Unter den Linden 1")})
	run.rest(http.MethodPatch, "customer", customer, "?replace=addressBook", map[string]any{"phone": nil,
		"creditHoldOverride": ref1("ON"), "comments": "not watched", "addressBook": berlin("Friedrichstraße 100")})
	run.ui("customer", customer, map[string]any{"overdueBalance": 830.25, "daysOverdue": 31})
	run.inline("customer", customer, map[string]any{"email": "billing@mueller.example"})

	contact := run.rest(http.MethodPost, "contact", "", "", map[string]any{"firstName": "Ada", "lastName": "Lovelace",
		"email": "ada@mueller.example", "company": ref1(customer)})
	run.rest(http.MethodPatch, "contact", contact, "", map[string]any{"lastName": "King", "title": "Head of Finance"})
	run.inline("contact", contact, map[string]any{"phone": "+49 30 1111111"})

	order := run.rest(http.MethodPost, "salesOrder", "", "", map[string]any{"entity": ref1("102"), "tranDate": "2026-01-05",
		"item": items(map[string]any{"item": ref1("1001"), "quantity": 10, "rate": 100}, map[string]any{"item": ref1("1002"), "quantity": 1})})
	run.rest(http.MethodPatch, "salesOrder", order, "", map[string]any{"orderStatus": ref1("A"), "memo": "not watched",
		"item": items(map[string]any{"item": ref1("1003"), "quantity": 2})})
	run.inline("salesOrder", order, map[string]any{"tranDate": "2026-01-06"})

	invoice := run.rest(http.MethodPost, "invoice", "", "", map[string]any{"entity": ref1("102"), "tranDate": "2026-01-10",
		"dueDate": "2026-02-09", "createdFrom": ref1(order), "item": items(map[string]any{"item": ref1("1001"), "quantity": 12})})
	run.ui("invoice", invoice, map[string]any{"amountPaid": 40.0})
	run.rest(http.MethodPatch, "invoice", invoice, "", map[string]any{"memo": "not watched"})
	run.inline("invoice", invoice, map[string]any{"dueDate": "2026-02-28"})

	payment := run.rest(http.MethodPost, "customerPayment", "", "", map[string]any{"customer": ref1("102"),
		"apply": items(map[string]any{"doc": ref1(invoice), "apply": true, "amount": 100})})
	run.rest(http.MethodPatch, "customerPayment", payment, "", map[string]any{"payment": 1000,
		"apply": items(map[string]any{"doc": ref1(invoice), "amount": 90})})
	run.inline("customerPayment", payment, map[string]any{"tranDate": "2026-01-19"})
	credit := run.rest(http.MethodPost, "creditMemo", "", "", map[string]any{"entity": ref1("102"), "createdFrom": ref1(invoice),
		"item": items(map[string]any{"item": ref1("1001"), "quantity": 1}), "apply": items(map[string]any{"doc": ref1(invoice), "amount": 5})})
	run.rest(http.MethodPatch, "creditMemo", credit, "", map[string]any{"apply": items(map[string]any{"doc": ref1(invoice), "apply": false})})

	item := run.rest(http.MethodPost, "inventoryItem", "", "", map[string]any{"itemId": "WIDGET-1", "displayName": "Widget",
		"description": "A widget", "rate": 100, "subsidiary": ref1("1"),
		"price": items(price("1", "1", 100, 0), price("1", "1", 90, 10), price("2", "1", 80, 0))})
	run.rest(http.MethodPatch, "inventoryItem", item, "?replace=price", map[string]any{"displayName": "Widget Pro",
		"price": items(price("1", "1", 110, 0), price("1", "1", 90, 10), price("2", "1", 80, 0))})
	run.inline("inventoryItem", item, map[string]any{"isInactive": true})

	service := run.rest(http.MethodPost, "nonInventorySaleItem", "", "", map[string]any{"itemId": "SVC-SETUP",
		"displayName": "Setup service", "rate": 200.5, "price": items(price("", "1", 200.5, 0))})
	run.rest(http.MethodPatch, "nonInventorySaleItem", service, "?replace=price", map[string]any{"rate": 250,
		"price": items(price("", "1", 250, 0))})
	run.inline("nonInventorySaleItem", service, map[string]any{"displayName": "Onboarding service"})

	for _, rec := range [][2]string{{"nonInventorySaleItem", service}, {"inventoryItem", item}, {"customerPayment", payment},
		{"creditMemo", credit}, {"invoice", invoice}, {"salesOrder", order}, {"contact", contact}, {"customer", customer}} {
		run.rest(http.MethodDelete, rec[0], rec[1], "", nil)
	}
}

// The sandbox posts, byte for byte, what the shipped script
// (deploy/netsuite, run under Node with its Jest stubs) posts for the
// same user events, and signs it the same way.
func TestWebhooksAreWhatTheShippedScriptPosts(t *testing.T) {
	clock := newFixedClock(time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC))
	rc := newHookReceiver(t, acceptAll)
	cfg := fastWebhooks(rc.URL)
	cfg.Secret = "whsec_tandem_ключ"
	run := &scriptRun{t: t, clock: clock, a: newTestAccount(t, Config{Clock: clock.Now, Webhook: cfg})}
	everyKindOfChange(run)
	waitWebhooks(t, run.a.srv)

	got := rc.accepted()
	script := runShippedScript(t, cfg.Secret, run.cases)
	if len(got) != len(run.cases) || len(script.Posts) != len(run.cases) {
		t.Fatalf("%d changes: the sandbox posted %d webhooks, the script %d", len(run.cases), len(got), len(script.Posts))
	}
	for i, want := range script.Posts {
		if got[i].raw != want.Body {
			t.Errorf("change %d (%s):\n sandbox %s\n script  %s", i, got[i].event.EventID, got[i].raw, want.Body)
		}
		if want.Signature != delivery.Signature(cfg.Secret, run.cases[i].now.Unix(), []byte(want.Body)) {
			t.Errorf("change %d: the script signs %q, the sandbox's signer disagrees", i, want.Signature)
		}
		if !validSignature(got[i].header.Get("X-Tandem-Signature"), cfg.Secret, got[i].raw) {
			t.Errorf("change %d: X-Tandem-Signature %q does not sign the body", i, got[i].header.Get("X-Tandem-Signature"))
		}
	}
	if !reflect.DeepEqual(script.Watched, watchedAsJS()) {
		t.Errorf("tandem_watched_fields.js and watchedFields differ:\n js %v\n go %v", script.Watched, watchedAsJS())
	}
}

// shippedScript is what the harness reports.
type shippedScript struct {
	Watched map[string]any
	Posts   []struct{ Body, Signature string }
}

// runShippedScript feeds the cases to the shipped script under Node.
func runShippedScript(t *testing.T, secret string, cases []scriptCase) shippedScript {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: %v", err)
	}
	input := orderedObject{values: map[string]any{}}
	input.set("deployDir", filepath.Join(moduleRoot(t), "deploy", "netsuite"))
	input.set("secret", secret)
	var list []any
	for _, c := range cases {
		oldRec, newRec := scriptViews(c.src, c.before, c.after)
		in := orderedObject{values: map[string]any{}}
		for _, kv := range [][2]any{{"now", float64(c.now.UnixMilli())}, {"accountId", DefaultAccountID},
			{"executionContext", c.src.context}, {"user", jsObject("id", c.src.userID, "role", c.src.roleID)},
			{"integrationRole", nil}, {"type", c.src.eventType(c.before, c.after)},
			{"oldRecord", harnessRecord(oldRec)}, {"newRecord", harnessRecord(newRec)}} {
			in.set(kv[0].(string), kv[1])
		}
		list = append(list, in)
	}
	input.set("cases", list)
	cmd := exec.Command(node, filepath.Join("testdata", "suitescript_harness.js"))
	cmd.Stdin = bytes.NewReader(scriptJSON(input))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the shipped script failed under node: %v\n%s", err, stderrOf(err))
	}
	var res shippedScript
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("harness output: %v\n%s", err, out)
	}
	return res
}

func stderrOf(err error) []byte {
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.Stderr
	}
	return nil
}

func jsObject(kv ...any) orderedObject {
	o := orderedObject{values: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// harnessRecord is a record view as the harness's FakeRecord takes it.
func harnessRecord(v scriptRecord) any {
	if v.typ == "" {
		return nil
	}
	sublists := jsObject()
	for _, s := range v.sublists {
		lines := []any{}
		for _, l := range s.lines {
			lines = append(lines, harnessValues(l))
		}
		sublists.set(s.id, lines)
	}
	return jsObject("type", v.typ, "id", v.id, "values", harnessValues(v.values), "sublists", sublists)
}

func harnessValues(m map[string]any) orderedObject {
	o := jsObject()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		o.set(k, harnessValue(m[k]))
	}
	return o
}

func harnessValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return jsObject("$date", x.UTC().Format(time.RFC3339Nano))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = harnessValue(e)
		}
		return out
	}
	return v
}

// watchedAsJS is watchedFields shaped as tandem_watched_fields.js exports it.
func watchedAsJS() map[string]any {
	out := map[string]any{}
	for typ, w := range watchedFields {
		m := map[string]any{"body": stringsAsAny(w.body)}
		if len(w.sublists) > 0 {
			sl := map[string]any{}
			for _, s := range w.sublists {
				sl[s.id] = stringsAsAny(s.fields)
			}
			m["sublists"] = sl
		}
		if w.prices {
			m["prices"] = true
		}
		out[typ] = m
	}
	return out
}

func stringsAsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
