package handlers

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
)

// specValidator checks requests and answers against api/openapi.yaml
// (cmd/tandem's TestOpenAPIDescribesTheServer checks the whole server;
// this checks routes it cannot reach yet).
func specValidator(t *testing.T) validator.Validator {
	t.Helper()
	dir := filepath.Join("..", "api")
	spec, err := os.ReadFile(filepath.Join(dir, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocumentWithConfiguration(spec, &datamodel.DocumentConfiguration{BasePath: dir, AllowFileReferences: true})
	if err != nil {
		t.Fatalf("loading api/openapi.yaml: %v", err)
	}
	v, errs := validator.NewValidator(doc, config.WithStandardBodyDecoders(),
		// SVG is text to the spec: a string.
		config.WithBodyDecoder("image/svg+xml", content.TextDecoder()), config.WithRejectUnsupportedBodyContent())
	if len(errs) > 0 {
		t.Fatalf("building the validator: %v", errs)
	}
	return v
}

func specErrors(errs []*oaerrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  %s: %s\n", e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "    %s %s\n", se.FieldPath, se.Reason)
		}
	}
	return b.String()
}

// specCheckedDo sends req and reads the answer, failing t when its status
// is not want or it does not match the spec.
func specCheckedDo(t *testing.T, v validator.Validator, req *http.Request, want int) []byte {
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
		t.Errorf("%s %s (%d): the answer does not match the spec:\n%s", req.Method, req.URL.RequestURI(), resp.StatusCode, specErrors(errs))
	}
	return body
}
