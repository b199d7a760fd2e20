package invoices

import (
	"context"
	"errors"
	"fmt"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
)

// refundType is the webhook's name of a customer refund.
const refundType = "customerrefund"

// refundedKinds are the payment job objects of a refund line's document,
// by the line's type (the sandbox's labels; NetSuite's own are unconfirmed).
var refundedKinds = map[string]string{"Customer Payment": "customerpayment", "Payment": "customerpayment",
	"Credit Memo": "creditmemo"}

// syncRefund carries a customer refund. NetSuite refunds only credit that
// no invoice holds (paid money is unapplied first, an edit of the payment
// that moves its invoices back), so a refund moves no invoice and no
// open balance by itself; what it moves is NetSuite's customer balance,
// which the credit hold flow reads in its own job. This job re-syncs each
// payment and credit memo the refund draws on, as their own jobs would: an
// unapplying whose webhook was lost is carried here, and one that was not
// writes nothing again (the write memos skip unchanged payloads).
func (f flow) syncRefund(ctx context.Context, id string) error {
	refund, err := f.NetSuite.GetRecord(ctx, "customerRefund", id, &netsuite.GetOptions{ExpandSubResources: true})
	if errors.Is(err, connectors.ErrNotFound) {
		f.Logger.InfoContext(ctx, "refund deleted; the credits it drew on have their own jobs", "refund", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading customer refund %s: %w", id, err)
	}
	for _, l := range refund.Sublist("apply") {
		doc := l.Ref("doc").ID
		kind, ok := refundedKinds[l.String("type")]
		if !ok {
			f.Logger.WarnContext(ctx, "refund line of an unknown document type; skipped", "refund", id, "doc", doc, "type", l.String("type"))
			continue
		}
		if err := f.syncPayment(ctx, kind, doc); err != nil {
			return fmt.Errorf("refund %s: %w", id, err)
		}
	}
	return nil
}
