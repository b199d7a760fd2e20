package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// source is who makes a change and how, as runtime and the user event
// type tell the script.
type source struct {
	context        string   // runtime.executionContext: ContextREST or ContextUI
	userID, roleID string   // runtime.getCurrentUser()
	inline         []string // an inline edit (xedit): the SuiteScript ids of the fields it set
}

func (s *Server) restSource() source {
	return source{context: ContextREST, userID: AdminUserID, roleID: s.cfg.Webhook.IntegrationRoleID}
}

var uiSource = source{context: ContextUI, userID: AdminUserID, roleID: AdminRoleID}

// ownWrite reports what the script's isOwnWrite does: a REST write under
// the integration role.
func (src source) ownWrite(integrationRole string) bool {
	return src.context == ContextREST && src.roleID == integrationRole
}

// eventType is the user event's context.type.
func (src source) eventType(before, after *record) string {
	switch {
	case before == nil:
		return ChangeCreate
	case after == nil:
		return ChangeDelete
	case src.inline != nil:
		return ChangeXEdit
	}
	return ChangeEdit
}

// scriptViews are the oldRecord and newRecord the script is given.
func scriptViews(src source, before, after *record) (oldRec, newRec scriptRecord) {
	current := after
	if after == nil {
		current = before
	}
	w := watchedFields[scriptType(current.typ)]
	if before != nil {
		oldRec = scriptView(before, w)
	}
	switch {
	case after != nil && src.inline != nil:
		newRec = inlineView(after, src.inline)
	case after != nil:
		newRec = scriptView(after, w)
	}
	return oldRec, newRec
}

// eventNonce is the script's per-event nonce (eventNonce in
// tandem_webhook_lib.js): 8 hex digits from Math.random. Tests that
// compare bytes with the script pin it.
var eventNonce = func() string { return fmt.Sprintf("%08x", rand.Uint32()) }

// webhookBody is the JSON the script posts for one user event (changeEvent
// in tandem_webhook_lib.js, keys in the contract's order); now is when the
// event ran. It returns the eventId too.
func webhookBody(accountID string, src source, eventType string, oldRec, newRec scriptRecord, now time.Time) (string, []byte) {
	current := newRec
	if eventType == ChangeDelete {
		current = oldRec
	}
	lastModified := isoUTC(now)
	if t, ok := current.values["lastmodifieddate"].(time.Time); ok && eventType != ChangeDelete {
		lastModified = isoUTC(t)
	}
	eventID := strings.Join([]string{accountID, current.typ, current.id, eventType, lastModified, eventNonce()}, ":")
	body := orderedObject{values: map[string]any{}}
	for _, kv := range []struct {
		key   string
		value any
	}{
		{"eventId", eventID}, {"accountId", accountID}, {"recordType", current.typ}, {"recordId", current.id},
		{"eventType", eventType}, {"lastModifiedDate", lastModified}, {"executionContext", src.context},
		{"userId", src.userID}, {"roleId", src.roleID},
		{"fields", changedFields(eventType, oldRec, newRec, watchedFields[current.typ])},
	} {
		body.set(kv.key, kv.value)
	}
	return eventID, scriptJSON(body)
}
