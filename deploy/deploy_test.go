package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/config"
	"gopkg.in/yaml.v3"
)

// Files the tests lint, relative to this directory.
const (
	dockerfilePath = "Dockerfile"
	composePath    = "compose.yaml"
	envExamplePath = ".env.example"
	k8sDir         = "k8s"
	salesforceDir  = "salesforce"
	netsuiteDir    = "netsuite"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return b
}

// yamlDocs decodes every document of a YAML file into a fresh T.
func yamlDocs[T any](t *testing.T, path string) []T {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(readFile(t, path)))
	var docs []T
	for {
		var doc T
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: document %d does not parse: %v", path, len(docs)+1, err)
		}
		docs = append(docs, doc)
	}
}

// yamlFiles lists the YAML files this directory ships (not node_modules').
func yamlFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func knownVariables() map[string]config.Variable {
	vars := map[string]config.Variable{}
	for _, v := range config.Variables() {
		vars[v.Name] = v
	}
	return vars
}

// envExample reads KEY=value lines of .env.example (comments skipped).
func envExample(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, envExamplePath)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q is not KEY=value", envExamplePath, line)
		}
		env[name] = value
	}
	return env
}

// shutdownTimeout is TANDEM_SHUTDOWN_TIMEOUT as the Kubernetes ConfigMap sets
// it, or config's default.
func shutdownTimeout(t *testing.T) time.Duration {
	t.Helper()
	raw := configMapData(t)["TANDEM_SHUTDOWN_TIMEOUT"]
	if raw == "" {
		raw = knownVariables()["TANDEM_SHUTDOWN_TIMEOUT"].Default
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		t.Fatalf("TANDEM_SHUTDOWN_TIMEOUT %q: %v", raw, err)
	}
	return d
}

func TestEveryYAMLFileParses(t *testing.T) {
	files := yamlFiles(t)
	if len(files) < 2 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		if docs := yamlDocs[map[string]any](t, f); len(docs) == 0 {
			t.Errorf("%s has no YAML document", f)
		}
	}
}

// Every variable compose and Kubernetes set must be one Tandem reads: a
// misspelt name would be silently ignored.
func TestEnvVarsAreOnesTandemReads(t *testing.T) {
	known := knownVariables()
	used := map[string][]string{}
	for name := range envExample(t) {
		used[name] = append(used[name], envExamplePath)
	}
	for name, where := range composeEnvNames(t) {
		used[name] = append(used[name], where...)
	}
	for name, where := range k8sEnvNames(t) {
		used[name] = append(used[name], where...)
	}
	for name, where := range dockerfileEnv(t) {
		used[name] = append(used[name], where)
	}
	for name, where := range used {
		if _, ok := known[name]; !ok {
			t.Errorf("%s (set in %s) is not a variable config.Variables() knows", name, strings.Join(where, ", "))
		}
	}
}

func TestEnvExampleListsEveryVariable(t *testing.T) {
	env := envExample(t)
	var missing []string
	for name := range knownVariables() {
		if _, ok := env[name]; !ok {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s lacks %v", envExamplePath, missing)
	}
	for name, v := range knownVariables() {
		if v.Secret && env[name] != "" {
			t.Errorf("%s ships a value for the secret %s", envExamplePath, name)
		}
	}
}
