package mapping

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestCheck(t *testing.T) {
	r, err := Check(Config{})
	if err != nil {
		t.Fatal(err)
	}
	want := `mappings OK: 9 flows (shipped mappings only)
  account_to_customer          salesforce.Account -> netsuite.customer, 19 fields (defaults/account_to_customer.yaml)
  contact_to_nscontact         salesforce.Contact -> netsuite.contact, 6 fields (defaults/contact_to_nscontact.yaml)
  customer_to_account          netsuite.customer -> salesforce.Account, 17 fields (defaults/customer_to_account.yaml)
  invoice_to_salesforce        netsuite.invoice -> salesforce.NetSuite_Invoice__c, 14 fields (defaults/invoice_to_salesforce.yaml)
  item_to_product              netsuite.item -> salesforce.Product2, 6 fields (defaults/item_to_product.yaml)
  nscontact_to_contact         netsuite.contact -> salesforce.Contact, 6 fields (defaults/nscontact_to_contact.yaml)
  opportunity_to_salesorder    salesforce.Opportunity -> netsuite.salesOrder, 10 fields (defaults/opportunity_to_salesorder.yaml)
  payment_to_salesforce        netsuite.customerPayment -> salesforce.NetSuite_Payment__c, 9 fields (defaults/payment_to_salesforce.yaml)
  price_to_pricebookentry      netsuite.pricing -> salesforce.PricebookEntry, 7 fields (defaults/price_to_pricebookentry.yaml)
`
	if got := r.String(); got != want {
		t.Fatalf("report:\n%s\nwant:\n%s", got, want)
	}
	_, err = Check(Config{Dir: writeDir(t, map[string]string{"opportunity_to_salesorder.yaml": "fields:\n  memo: nope(Name)\n"})})
	if err == nil || !strings.HasSuffix(err.Error(), `opportunity_to_salesorder.yaml:2: memo: unknown function "nope"`) {
		t.Fatalf("err = %v", err)
	}
}

// Without a connection Try shows what would be looked up, and vars that
// were not given, in the payload.
func TestTryOffline(t *testing.T) {
	record := []byte(`{"totalSize": 1, "done": true, "records": [{"attributes": {"type": "Contact"},
		"Id": "0035g00000QrStVAAV", "LastName": "Okafor", "AccountId": "0015g00000AbCdEAAV", "Account": {"NetSuite_Id__c": null}}]}`)
	res, err := Try(context.Background(), Config{}, TryInput{Flow: "contact_to_nscontact", Record: record})
	if err != nil {
		t.Fatal(err)
	}
	want := `would write netsuite.contact:
{
  "company": {
    "id": "<netsuite customer where externalId = \"0015g00000AbCdEAAV\">"
  },
  "lastName": "Okafor"
}
lookups:
  netsuite customer where externalId = "0015g00000AbCdEAAV" -> <netsuite customer where externalId = "0015g00000AbCdEAAV">
nothing was written
`
	if got := res.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}

	data, _ := os.ReadFile(filepath.Join("testdata", "golden", "opportunity_to_salesorder", "won-three-lines.input.json"))
	res, err = Try(context.Background(), Config{}, TryInput{Flow: "opportunity_to_salesorder", Record: data})
	if err != nil || res.Err != nil {
		t.Fatal(err, res.Err)
	}
	if got := res.Payload["entity"]; mustJSON(t, got) != `{"id":"\u003ccustomerId\u003e"}` {
		t.Fatalf("entity = %v, want the var's placeholder", got)
	}
}

// nsLookupServer stands for NetSuite's record service: GET
// /services/rest/record/v1/<type>/eid:<external id> answers 200 with the
// record or 404 NONEXISTENT_ID, as NetSuite does. It records every method.
func nsLookupServer(t *testing.T, known map[string]string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var methods []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=singular-resource; charset=UTF-8")
		if id, ok := known[r.URL.Path]; ok && r.Method == http.MethodGet {
			_, _ = w.Write([]byte(`{"links":[{"rel":"self","href":"` + r.URL.Path + `"}],"id":"` + id + `"}`))
			return
		}
		w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=error; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"type":"https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5","title":"Not Found","status":404,` +
			`"o:errorDetails":[{"detail":"The record instance does not exist. Provide a valid record instance ID.","o:errorCode":"NONEXISTENT_ID"}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &methods
}

// eidFinder looks NetSuite records up by external id over HTTP.
func eidFinder(base string) Finder {
	return FinderFunc(func(ctx context.Context, q Query) ([]string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/services/rest/record/v1/"+q.RecordType+"/eid:"+q.Value, nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return nil, nil
		}
		var rec struct{ ID string }
		if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil {
			return nil, err
		}
		return []string{rec.ID}, nil
	})
}

// Try reads what it must and writes nothing: the other system sees only
// GETs, the input and the mappings directory are left as they were.
func TestTryWritesNothing(t *testing.T) {
	srv, methods := nsLookupServer(t, map[string]string{
		"/services/rest/record/v1/customer/eid:0015g00000AbCdEAAV": "1042",
	})
	dir := writeDir(t, map[string]string{"contact_to_nscontact.yaml": "fields:\n  custentity_owner: lookup(\"netsuite\", \"employee\", \"externalId\", OwnerId)\n  custentity_owner_name: Owner.Name\n"})
	before := snapshot(t, dir)
	input := []byte(`{"attributes": {"type": "Contact"}, "Id": "0035g00000QrStVAAV", "LastName": "Okafor",
		"AccountId": "0015g00000AbCdEAAV", "OwnerId": "0055g00000OwNeRAAV", "Owner": {"Name": "Pat"}, "Account": null}`)
	inputCopy := append([]byte(nil), input...)

	res, err := Try(context.Background(), Config{Dir: dir}, TryInput{Flow: "contact_to_nscontact", Record: input, Finder: eidFinder(srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	// The owner has no NetSuite employee: the field's policy (fail) rejects the record.
	if res.Err == nil || res.Err.Error() != `contact 0035g00000QrStVAAV: field custentity_owner: lookup found no netsuite employee where externalId = "0055g00000OwNeRAAV"` {
		t.Fatalf("Err = %v", res.Err)
	}
	wantOut := `cannot map this record: contact 0035g00000QrStVAAV: field custentity_owner: lookup found no netsuite employee where externalId = "0055g00000OwNeRAAV"
lookups:
  netsuite customer where externalId = "0015g00000AbCdEAAV" -> 1042
  netsuite employee where externalId = "0055g00000OwNeRAAV" -> nothing found
nothing was written
`
	if got := res.String(); got != wantOut {
		t.Fatalf("output:\n%s\nwant:\n%s", got, wantOut)
	}
	if strings.Join(*methods, " ") != "GET GET" {
		t.Fatalf("requests to NetSuite: %v, want two GETs", *methods)
	}
	if string(input) != string(inputCopy) {
		t.Fatal("Try changed its input")
	}
	if after := snapshot(t, dir); after != before {
		t.Fatalf("the mappings directory changed:\n%s\n%s", before, after)
	}
}

func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		b.WriteString(path + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTryBadInput(t *testing.T) {
	set := mustLoad(t, Config{})
	for _, c := range []struct {
		in   TryInput
		want string
	}{
		{TryInput{Flow: "nope", Record: []byte(`{}`)}, `no mapping for flow "nope"`},
		{TryInput{Flow: "customer_to_account", Record: []byte(`{"id": `)}, "reading the record: unexpected end of JSON input"},
		{TryInput{Flow: "customer_to_account", Record: []byte(`{"items": [], "links": []}`)}, "reading the record: the result holds no records"},
	} {
		_, err := set.Try(context.Background(), c.in)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Try(%s) err = %v, want %s", c.in.Record, err, c.want)
		}
	}
}
