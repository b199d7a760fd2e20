// Package openapitest loads api/openapi.yaml for tests that check real
// requests and answers against it.
package openapitest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/content"
	oaerrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// Load reads api/openapi.yaml with the files it references and returns
// the document and a validator that decodes every body type Tandem
// answers with, refusing any other.
func Load(t testing.TB) (libopenapi.Document, validator.Validator) {
	t.Helper()
	dir := filepath.Join(testfixtures.ModuleRoot(t), "api")
	spec, err := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(spec, &datamodel.DocumentConfiguration{BasePath: dir, AllowFileReferences: true})
	if err != nil {
		t.Fatalf("loading api/openapi.yaml: %v", err)
	}
	v, errs := validator.NewValidator(doc, config.WithStandardBodyDecoders(),
		// An SVG is text to the spec: a string.
		config.WithBodyDecoder("image/svg+xml", content.TextDecoder()),
		config.WithRejectUnsupportedBodyContent())
	if len(errs) > 0 {
		t.Fatalf("building the validator: %v", errs)
	}
	return doc, v
}

// Describe lists validation errors, one a line, with their schema
// failures beneath.
func Describe(errs []*oaerrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  %s: %s\n", e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "    %s %s\n", se.FieldPath, se.Reason)
		}
	}
	return b.String()
}

// CheckedDo sends req and reads the answer, failing t when its status is
// not want or the answer does not match the spec.
func CheckedDo(t testing.TB, v validator.Validator, req *http.Request, want int) []byte {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("%s %s: status %d, want %d: %.300s", req.Method, req.URL.RequestURI(), resp.StatusCode, want, body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
		t.Errorf("%s %s (%d): the answer does not match the spec:\n%s", req.Method, req.URL.RequestURI(), resp.StatusCode, Describe(errs))
	}
	return body
}
