package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// controlCall sends a JSON request to the control surface and decodes the answer.
func controlCall(t *testing.T, base, method, path string, in any) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(in)
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(raw))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestControlTransformAndVoid: a driver in another process bills an order,
// takes a payment and voids it through the control surface, and the
// invoice follows as it does over REST.
func TestControlTransformAndVoid(t *testing.T) {
	l := newLedger(t, Config{})
	ctl := httptest.NewServer(l.srv.ControlHandler())
	defer ctl.Close()
	so := l.order()

	status, out := controlCall(t, ctl.URL, http.MethodPost, "/records/salesOrder/"+so+"/!transform/invoice", map[string]any{"dueDate": "2026-04-01"})
	inv, _ := out["id"].(string)
	if status != http.StatusOK || inv == "" {
		t.Fatalf("transform to invoice: %d %v", status, out)
	}
	if got := l.get("invoice", inv); got["total"] != 1100.0 || got["dueDate"] != "2026-04-01" || at(got, "createdFrom", "id") != so {
		t.Fatalf("invoice %v", got)
	}
	status, out = controlCall(t, ctl.URL, http.MethodPost, "/records/invoice/"+inv+"/!transform/customerPayment", map[string]any{"payment": 300})
	pay, _ := out["id"].(string)
	if status != http.StatusOK || pay == "" {
		t.Fatalf("transform to payment: %d %v", status, out)
	}
	if _, remaining, _ := l.invoiceState(inv); remaining != 800.0 {
		t.Errorf("after the payment: remaining %v, want 800", remaining)
	}
	if status, out = controlCall(t, ctl.URL, http.MethodPost, "/records/customerPayment/"+pay+"/!void", nil); status != http.StatusNoContent {
		t.Fatalf("void: %d %v", status, out)
	}
	if _, remaining, _ := l.invoiceState(inv); remaining != 1100.0 {
		t.Errorf("after the void: remaining %v, want 1100", remaining)
	}
	if status, _ = controlCall(t, ctl.URL, http.MethodPost, "/records/invoice/"+inv+"/!transform/salesOrder", nil); status != http.StatusBadRequest {
		t.Errorf("an unsupported transform answered %d, want 400", status)
	}
}

// TestTodayMovesOverdueFiguresOnly: moving Config.Today makes an invoice
// overdue while TBA keeps checking against Clock.
func TestTodayMovesOverdueFiguresOnly(t *testing.T) {
	today := newFixedClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	l := newLedger(t, Config{Today: today.Now})
	inv := l.transform("salesOrder", l.order(), "invoice", map[string]any{"dueDate": "2026-03-20"})
	if got := l.customerFigures("102"); got != [3]any{1100.0, 0.0, 0.0} {
		t.Fatalf("before the due date: %v", got)
	}
	today.Advance(40 * 24 * time.Hour) // 2026-04-19: 30 days past due
	if got := l.customerFigures("102"); got != [3]any{1100.0, 1100.0, 30.0} {
		t.Errorf("30 days after the due date of %s: %v", inv, got)
	}
}
