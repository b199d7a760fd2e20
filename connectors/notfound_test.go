package connectors_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
)

func TestClientErrorsMatchErrNotFound(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"netsuite 404", fmt.Errorf("reading: %w", &netsuite.APIError{Status: http.StatusNotFound}), true},
		{"netsuite 400", &netsuite.APIError{Status: http.StatusBadRequest}, false},
		{"salesforce 404", fmt.Errorf("reading: %w", &salesforce.APIError{Status: http.StatusNotFound, Code: salesforce.CodeNotFound}), true},
		{"salesforce NOT_FOUND on 400", &salesforce.APIError{Status: http.StatusBadRequest, Code: salesforce.CodeNotFound}, true},
		{"salesforce 400", &salesforce.APIError{Status: http.StatusBadRequest, Code: "INVALID_FIELD"}, false},
	} {
		if got := errors.Is(tc.err, connectors.ErrNotFound); got != tc.want {
			t.Errorf("%s: errors.Is(ErrNotFound) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
