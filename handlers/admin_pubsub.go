package handlers

import (
	"net/http"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
)

// PathAdminPubSub shows the Pub/Sub API subscriber's topics and the gaps
// expired replay ids left.
const PathAdminPubSub = PrefixAdmin + "/pubsub"

// pubsubStatus: GET /admin/pubsub. The gaps are changes Tandem may never
// have received; the drift audit (or a sync) heals them.
func (a admin) pubsubStatus(w http.ResponseWriter, r *http.Request) {
	st := pubsub.Status{Topics: []pubsub.TopicStatus{}, Gaps: []pubsub.Gap{}}
	if a.PubSub != nil {
		var err error
		if st, err = a.PubSub(r.Context()); err != nil {
			a.storeError(w, r, "reading the Pub/Sub subscriber's state", err)
			return
		}
	}
	writeAdminJSON(w, http.StatusOK, st)
}
