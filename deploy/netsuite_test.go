package deploy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var signatureVectorPath = filepath.Join(netsuiteDir, "testdata", "signature-vector.json")

// signatureVector is the test vector the SuiteScript Jest tests produce
// and check; computing it here with crypto/hmac proves the two sides agree.
type signatureVector struct {
	Secret    string `json:"secret"`
	Timestamp int64  `json:"timestamp"`
	Body      string `json:"body"`
	Header    string `json:"header"`
}

var signatureHeader = regexp.MustCompile(`^t=(\d+),v1=([0-9a-f]{64})$`)

func TestSignatureVectorMatchesGoHMAC(t *testing.T) {
	var v signatureVector
	if err := json.Unmarshal(readFile(t, signatureVectorPath), &v); err != nil {
		t.Fatalf("%s: %v", signatureVectorPath, err)
	}
	m := signatureHeader.FindStringSubmatch(v.Header)
	if m == nil {
		t.Fatalf("header %q is not t=<unix seconds>,v1=<64 lower-case hex>", v.Header)
	}
	if ts, _ := strconv.ParseInt(m[1], 10, 64); ts != v.Timestamp {
		t.Errorf("header t=%d, vector timestamp %d", ts, v.Timestamp)
	}
	mac := hmac.New(sha256.New, []byte(v.Secret))
	fmt.Fprintf(mac, "%d.%s", v.Timestamp, v.Body)
	if want := hex.EncodeToString(mac.Sum(nil)); m[2] != want {
		t.Errorf("v1 = %s, Go computes %s", m[2], want)
	}
}

// The vector's body is a webhook body as the contract (api/netsuite-webhook.md)
// defines it.
func TestSignatureVectorBodyFollowsTheContract(t *testing.T) {
	var v signatureVector
	if err := json.Unmarshal(readFile(t, signatureVectorPath), &v); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(v.Body), &body); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	for _, key := range []string{"eventId", "accountId", "recordType", "recordId", "eventType", "lastModifiedDate", "executionContext"} {
		if s, ok := body[key].(string); !ok || s == "" {
			t.Errorf("required %s is %v, want a non-empty string", key, body[key])
		}
	}
	var parts []string
	for _, key := range []string{"accountId", "recordType", "recordId", "eventType", "lastModifiedDate"} {
		parts = append(parts, fmt.Sprint(body[key]))
	}
	if want := strings.Join(parts, ":"); body["eventId"] != want {
		t.Errorf("eventId %v, want %s", body["eventId"], want)
	}
}

// SDF object files: well-formed, root element by script id prefix, file
// named after the object's script id.
func TestNetSuiteObjectsAreWellFormed(t *testing.T) {
	dir := filepath.Join(netsuiteDir, "src", "Objects")
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no SDF objects in %s (%v)", dir, err)
	}
	roots := map[string][]string{
		"customscript_": {"usereventscript", "mapreducescript"},
		"customrecord_": {"customrecordtype"},
	}
	for _, f := range files {
		root, attrs := rootElement(t, f)
		id := strings.TrimSuffix(filepath.Base(f), ".xml")
		if attrs["scriptid"] != id {
			t.Errorf("%s: scriptid %q, want the file name %q", f, attrs["scriptid"], id)
		}
		prefix, _, _ := strings.Cut(id, "_")
		if !slices.Contains(roots[prefix+"_"], root) {
			t.Errorf("%s: root <%s> is not an SDF object for a %s_ id", f, root, prefix)
		}
	}
	for _, f := range []string{"manifest.xml", "deploy.xml"} {
		rootElement(t, filepath.Join(netsuiteDir, "src", f))
	}
}

// rootElement parses the whole file and returns its root element's local
// name and attributes.
func rootElement(t *testing.T, path string) (string, map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var root xml.StartElement
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if err != nil {
			if root.Name.Local == "" || !errors.Is(err, io.EOF) {
				t.Fatalf("%s is not well-formed XML: %v", path, err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && root.Name.Local == "" {
			root = se
		}
	}
	attrs := map[string]string{}
	for _, a := range root.Attr {
		attrs[a.Name.Local] = a.Value
	}
	return root.Name.Local, attrs
}
