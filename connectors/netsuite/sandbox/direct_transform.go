package sandbox

import (
	"fmt"
	"strings"
)

// Transform makes a record from another as a user in the NetSuite UI does
// with "Bill", "Accept Payment" or "Credit": the same transforms as
// POST …/{fromType}/{id}/!transform/{toType}, but the user event says
// USERINTERFACE. body holds fields of the new record, as the REST body
// would; nil for none. It returns the new record's internal id.
func (s *Server) Transform(fromType, id, toType string, body map[string]any) (string, error) {
	fromRT, known := lookupType(fromType)
	toRT, knownTo := lookupType(toType)
	build, supported := transformPairs[strings.ToLower(fromType)][strings.ToLower(toType)]
	if !known || !knownTo || !supported {
		return "", fmt.Errorf("netsuite sandbox: transform: %s → %s is not supported", fromType, toType)
	}
	if body == nil {
		body = map[string]any{}
	}
	req, err := asRequestJSON(body)
	if err != nil {
		return "", fmt.Errorf("netsuite sandbox: transform %s %s → %s: %w", fromType, id, toType, err)
	}
	r, aerr := s.transform(uiSource, fromRT, id, toRT, build, req, writeOptions{})
	if aerr != nil {
		return "", fmt.Errorf("netsuite sandbox: transform %s %s → %s: %w", fromType, id, toType, aerr)
	}
	return r.id, nil
}
