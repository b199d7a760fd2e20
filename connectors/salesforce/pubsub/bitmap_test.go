package pubsub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// bitmapSchema has 23 top-level fields like the Account schema of the
// reference's worked example (index 8 AccountNumber, 22 LastModifiedDate)
// and a compound field at index 2.
func bitmapSchema(t testing.TB) *avro.RecordSchema {
	names := []string{"ChangeEventHeader", "Name", "BillingAddress", "Type", "ParentId", "ShippingAddress", "Phone", "Fax", "AccountNumber"}
	for i := len(names); i < 22; i++ {
		names = append(names, fmt.Sprintf("F%d", i))
	}
	names = append(names, "LastModifiedDate")
	var fields []string
	for i, n := range names {
		switch {
		case i == 0:
			fields = append(fields, `{"name":"ChangeEventHeader","type":"string"}`)
		case n == "BillingAddress":
			fields = append(fields, `{"name":"BillingAddress","type":["null",{"type":"record","name":"Address","fields":[`+
				`{"name":"Street","type":["null","string"]},{"name":"City","type":["null","string"]},{"name":"State","type":["null","string"]}]}],"default":null}`)
		default:
			fields = append(fields, fmt.Sprintf(`{"name":%q,"type":["null","string"],"default":null}`, n))
		}
	}
	s, err := avro.Parse(`{"type":"record","name":"AccountChangeEvent","namespace":"com.sforce.eventbus","fields":[` + strings.Join(fields, ",") + `]}`)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*avro.RecordSchema)
}

func TestFieldNamesDecodesTopLevelAndCompoundBitmaps(t *testing.T) {
	s := bitmapSchema(t)
	for _, c := range []struct {
		in   []string
		want []string
	}{
		{[]string{"0x400100"}, []string{"AccountNumber", "LastModifiedDate"}}, // the reference's worked example
		{[]string{"0x400040", "2-0x05"}, []string{"Phone", "LastModifiedDate", "BillingAddress.Street", "BillingAddress.State"}},
		{[]string{"Name", "LastModifiedDate"}, []string{"Name", "LastModifiedDate"}}, // CometD names pass through
		{nil, nil},
	} {
		got, err := pubsub.FieldNames(s, c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("FieldNames(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range [][]string{{"0x"}, {"0xZZ"}, {"0x800000"}, {"3-0x01"}, {"2-0x10"}, {"99-0x01"}, {"2-Street"}} {
		if got, err := pubsub.FieldNames(s, bad); err == nil {
			t.Errorf("FieldNames(%q) = %q, want an error", bad, got)
		}
	}
}

func FuzzFieldNames(f *testing.F) {
	s := bitmapSchema(f)
	for _, seed := range []string{"0x400100", "2-0x05", "0x", "0x00", "-0x1", "2-0x", "0xFFFFFFFFFFFF", "x-0x1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, entry string) {
		names, err := pubsub.FieldNames(s, []string{entry})
		if err != nil {
			return
		}
		for _, n := range names {
			if n == entry {
				continue // a plain name passes through
			}
			top, part, nested := strings.Cut(n, ".")
			f, ok := fieldByName(s, top)
			if !ok || (nested && !hasPart(f, part)) {
				t.Fatalf("FieldNames(%q) named %q, not a field of the schema", entry, n)
			}
		}
	})
}

func fieldByName(s *avro.RecordSchema, name string) (*avro.Field, bool) {
	for _, f := range s.Fields() {
		if f.Name() == name {
			return f, true
		}
	}
	return nil, false
}

func hasPart(f *avro.Field, part string) bool {
	u, ok := f.Type().(*avro.UnionSchema)
	if !ok {
		return false
	}
	for _, b := range u.Types() {
		if r, ok := b.(*avro.RecordSchema); ok {
			_, found := fieldByName(r, part)
			return found
		}
	}
	return false
}

// The sandbox's events carry compound components as nested bitmaps; the
// subscriber hands them over as CometD names them, nulled fields as null.
func TestPubSubUpdateCarriesCompoundChangesByName(t *testing.T) {
	r := newRig(t, 0)
	var got []json.RawMessage
	done := make(chan struct{})
	s := &pubsub.Subscriber{Client: r.client(t), Redis: r.streamDB.Client, Topics: []string{"/data/AccountChangeEvent"}, FromEarliest: true,
		Sink: func(_ context.Context, _ string, body json.RawMessage) error {
			var batch []json.RawMessage
			if err := json.Unmarshal(body, &batch); err != nil {
				return err
			}
			got = append(got, batch...)
			return nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { defer close(done); s.Run(ctx) }()
	changes(t, r.sb, 1)
	testfixtures.WaitUntil(t, "the create and the update", 10*time.Second, func() bool { return s.Stats().Events == 2 })
	cancel()
	<-done
	var update struct {
		Payload struct {
			Header struct {
				ChangeType    string   `json:"changeType"`
				ChangedFields []string `json:"changedFields"`
			} `json:"ChangeEventHeader"`
			Phone          string         `json:"Phone"`
			BillingAddress map[string]any `json:"BillingAddress"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(got[1], &update); err != nil {
		t.Fatal(err)
	}
	h := update.Payload.Header
	slices.Sort(h.ChangedFields)
	want := []string{"BillingAddress.City", "BillingAddress.Street", "LastModifiedDate", "Phone"}
	if h.ChangeType != "UPDATE" || !slices.Equal(h.ChangedFields, want) {
		t.Fatalf("update header %+v, want changedFields %q", h, want)
	}
	if v, ok := update.Payload.BillingAddress["City"]; !ok || v != nil {
		t.Fatalf("BillingAddress %v: want City present and null (nulledFields)", update.Payload.BillingAddress)
	}
	if update.Payload.BillingAddress["Street"] != "1 rue X" || update.Payload.Phone == "" {
		t.Fatalf("update payload %s", got[1])
	}
}
