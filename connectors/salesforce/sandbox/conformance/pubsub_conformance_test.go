package conformance

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

type pubsubSummary struct {
	BadTopic string `json:"badTopic"`
	Events   []struct {
		ReplayID       json.Number    `json:"replayId"`
		ChangeType     string         `json:"changeType"`
		RecordIDs      []string       `json:"recordIds"`
		ChangedFields  []string       `json:"changedFields"`
		NulledFields   []string       `json:"nulledFields"`
		Name           string         `json:"name"`
		Phone          string         `json:"phone"`
		BillingAddress map[string]any `json:"billingAddress"`
	} `json:"events"`
}

// TestPubSubClient subscribes to the sandbox's Pub/Sub API with the npm
// salesforce-pubsub-api-client, which decodes the Avro events and their
// bitmaps with its own code.
func TestPubSubClient(t *testing.T) {
	node := nodeWith(t, "salesforce-pubsub-api-client")
	sb, err := sandbox.New(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	user := sb.SalesUser()
	id, err := sb.Create("Account", map[string]any{"Name": "Pub Sub Conformance", "BillingCity": "Lyon", "BillingStreet": "1 rue A"}, user)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Update("Account", id, map[string]any{"Phone": "+33 1 23 45 67 89", "BillingCity": nil, "BillingStreet": "2 rue B"}, user); err != nil {
		t.Fatal(err)
	}

	// TLS with a CA of the test's own: the client only speaks TLS.
	caFile, serverCert := testCA(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := sb.NewPubSubServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{serverCert}})))
	go g.Serve(ln)
	defer g.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, "pubsub-conformance.mjs", ln.Addr().String(), caFile, sandbox.DefaultDemoToken, "/data/AccountChangeEvent", "2")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pubsub client run: %v\n%s", err, stderr.String())
	}
	var got pubsubSummary
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("pubsub client output: %v\n%s", err, stdout.String())
	}
	if len(got.Events) != 2 {
		t.Fatalf("%d events, want the create and the update: %s", len(got.Events), stdout.String())
	}
	create, update := got.Events[0], got.Events[1]
	if create.ChangeType != "CREATE" || update.ChangeType != "UPDATE" || !slices.Equal(update.RecordIDs, []string{id}) {
		t.Fatalf("events %+v", got.Events)
	}
	if create.Name != "Pub Sub Conformance" || create.BillingAddress["City"] != "Lyon" {
		t.Fatalf("create payload %+v", create)
	}
	changed := slices.Sorted(slices.Values(update.ChangedFields))
	if want := []string{"BillingAddress.City", "BillingAddress.Street", "LastModifiedDate", "Phone"}; !slices.Equal(changed, want) {
		t.Fatalf("update changedFields decoded by the client %q, want %q", update.ChangedFields, want)
	}
	if !slices.Equal(update.NulledFields, []string{"BillingAddress.City"}) {
		t.Fatalf("update nulledFields decoded by the client %q, want [BillingAddress.City]", update.NulledFields)
	}
	a, _ := create.ReplayID.Int64()
	b, _ := update.ReplayID.Int64()
	if a <= 0 || b <= a {
		t.Fatalf("replay ids %s, %s: want increasing 8-byte ids", create.ReplayID, update.ReplayID)
	}
	if !strings.HasPrefix(got.BadTopic, "5 ") || !strings.Contains(got.BadTopic, "not found") {
		t.Fatalf("bad topic: %q, want NOT_FOUND (5) with the documented message", got.BadTopic)
	}
}

// testCA writes a self-signed CA certificate for 127.0.0.1 and returns its
// PEM file and the server's TLS certificate.
func testCA(t *testing.T) (string, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "tandem sandbox"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return file, cert
}
