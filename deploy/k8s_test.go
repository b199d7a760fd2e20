package deploy

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

const (
	kustomizationFile = "kustomization.yaml"
	tandemSecret      = "tandem"
	tandemConfigMap   = "tandem-config"
)

// k8sObject is the part of a Kubernetes manifest the tests read.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
	Spec k8sSpec           `yaml:"spec"`
}

type k8sSpec struct {
	Selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Template struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec podSpec `yaml:"spec"`
	} `yaml:"template"`
	MinAvailable int `yaml:"minAvailable"` // PodDisruptionBudget
}

type podSpec struct {
	TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
	SecurityContext               struct {
		RunAsNonRoot bool  `yaml:"runAsNonRoot"`
		RunAsUser    int64 `yaml:"runAsUser"`
	} `yaml:"securityContext"`
	Containers []container `yaml:"containers"`
}

type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			SecretKeyRef *struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
	} `yaml:"envFrom"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	LivenessProbe   *probe `yaml:"livenessProbe"`
	ReadinessProbe  *probe `yaml:"readinessProbe"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

type kustomization struct {
	Kind      string   `yaml:"kind"`
	Resources []string `yaml:"resources"`
}

// k8sObjects reads every manifest the kustomization lists.
func k8sObjects(t *testing.T) map[string][]k8sObject {
	t.Helper()
	byKind := map[string][]k8sObject{}
	for _, res := range kustomizationResources(t) {
		for _, obj := range yamlDocs[k8sObject](t, filepath.Join(k8sDir, res)) {
			byKind[obj.Kind] = append(byKind[obj.Kind], obj)
		}
	}
	return byKind
}

func kustomizationResources(t *testing.T) []string {
	t.Helper()
	docs := yamlDocs[kustomization](t, filepath.Join(k8sDir, kustomizationFile))
	if len(docs) != 1 || docs[0].Kind != "Kustomization" {
		t.Fatalf("%s is not one Kustomization", kustomizationFile)
	}
	return docs[0].Resources
}

func configMapData(t *testing.T) map[string]string {
	t.Helper()
	for _, cm := range k8sObjects(t)["ConfigMap"] {
		if cm.Metadata.Name == tandemConfigMap {
			return cm.Data
		}
	}
	t.Fatalf("no ConfigMap %s", tandemConfigMap)
	return nil
}

func deployments(t *testing.T) map[string]k8sObject {
	t.Helper()
	out := map[string]k8sObject{}
	for _, d := range k8sObjects(t)["Deployment"] {
		out[d.Metadata.Name] = d
	}
	return out
}

// k8sEnvNames maps each variable the manifests set to where.
func k8sEnvNames(t *testing.T) map[string][]string {
	t.Helper()
	names := map[string][]string{}
	for name := range configMapData(t) {
		names[name] = append(names[name], "ConfigMap "+tandemConfigMap)
	}
	for dname, d := range deployments(t) {
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				names[e.Name] = append(names[e.Name], "Deployment "+dname)
			}
		}
	}
	return names
}

func TestKustomizationListsEveryManifest(t *testing.T) {
	listed := kustomizationResources(t)
	sort.Strings(listed)
	var onDisk []string
	entries, err := os.ReadDir(k8sDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") && e.Name() != kustomizationFile {
			onDisk = append(onDisk, e.Name())
		}
	}
	if strings.Join(listed, " ") != strings.Join(onDisk, " ") {
		t.Errorf("kustomization lists %v, directory has %v", listed, onDisk)
	}
}

func TestManifestsHaveIdentityAndTheNeededKinds(t *testing.T) {
	objs := k8sObjects(t)
	for kind, list := range objs {
		for _, o := range list {
			if o.APIVersion == "" || o.Metadata.Name == "" {
				t.Errorf("%s %q lacks apiVersion or metadata.name", kind, o.Metadata.Name)
			}
		}
	}
	for kind, want := range map[string]int{"Deployment": 2, "Service": 1, "PodDisruptionBudget": 1, "ConfigMap": 1} {
		if len(objs[kind]) < want {
			t.Errorf("want at least %d %s, have %d", want, kind, len(objs[kind]))
		}
	}
}

func TestDeploymentsRunServeAndWorkSafely(t *testing.T) {
	deps := deployments(t)
	for name, arg := range map[string]string{"tandem-serve": "serve", "tandem-work": "work"} {
		d, ok := deps[name]
		if !ok {
			t.Errorf("no Deployment %s", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			checkPod(t, d)
			c := d.Spec.Template.Spec.Containers[0]
			if len(c.Args) != 1 || c.Args[0] != arg {
				t.Errorf("args %q, want [%s]", c.Args, arg)
			}
		})
	}
}

func checkPod(t *testing.T, d k8sObject) {
	t.Helper()
	pod := d.Spec.Template.Spec
	if !subset(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels) || len(d.Spec.Selector.MatchLabels) == 0 {
		t.Errorf("selector %v does not match the pod labels %v", d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)
	}
	grace := time.Duration(pod.TerminationGracePeriodSeconds) * time.Second
	if timeout := shutdownTimeout(t); grace <= timeout {
		t.Errorf("terminationGracePeriodSeconds %s must exceed TANDEM_SHUTDOWN_TIMEOUT %s", grace, timeout)
	}
	if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser == 0 {
		t.Errorf("pod securityContext %+v does not enforce a non-root user", pod.SecurityContext)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, have %d", len(pod.Containers))
	}
	checkContainer(t, pod.Containers[0])
}

func checkContainer(t *testing.T, c container) {
	t.Helper()
	for _, res := range []string{"cpu", "memory"} {
		if c.Resources.Requests[res] == "" || c.Resources.Limits[res] == "" {
			t.Errorf("container %s lacks a %s request or limit", c.Name, res)
		}
	}
	sc := c.SecurityContext
	if !sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("container %s: want readOnlyRootFilesystem and no privilege escalation", c.Name)
	}
	if len(c.EnvFrom) == 0 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != tandemConfigMap {
		t.Errorf("container %s does not take its settings from ConfigMap %s", c.Name, tandemConfigMap)
	}
}

func subset(sub, of map[string]string) bool {
	for k, v := range sub {
		if of[k] != v {
			return false
		}
	}
	return true
}

func TestServeProbesHealthAndReadiness(t *testing.T) {
	c := deployments(t)["tandem-serve"].Spec.Template.Spec.Containers[0]
	ports := map[string]int{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for name, pr := range map[string]struct {
		probe *probe
		path  string
	}{"liveness": {c.LivenessProbe, "/healthz"}, "readiness": {c.ReadinessProbe, "/readyz"}} {
		if pr.probe == nil {
			t.Errorf("no %s probe", name)
			continue
		}
		if pr.probe.HTTPGet.Path != pr.path || ports[pr.probe.HTTPGet.Port] != 8080 {
			t.Errorf("%s probe %+v, want GET %s on the 8080 port", name, pr.probe.HTTPGet, pr.path)
		}
	}
}

// Secrets reach the pods through secretKeyRef only: never as a literal
// value nor in the ConfigMap.
func TestSecretsComeFromSecretKeyRefs(t *testing.T) {
	cm := configMapData(t)
	refs := map[string]bool{}
	for dname, d := range deployments(t) {
		for _, e := range d.Spec.Template.Spec.Containers[0].Env {
			ref := e.ValueFrom
			if ref != nil && ref.SecretKeyRef != nil {
				refs[e.Name] = true
				if ref.SecretKeyRef.Name != tandemSecret || ref.SecretKeyRef.Key == "" {
					t.Errorf("%s: %s refers to %+v, want a key of Secret %s", dname, e.Name, *ref.SecretKeyRef, tandemSecret)
				}
			}
		}
	}
	for name, v := range knownVariables() {
		if !v.Secret {
			continue
		}
		if _, ok := cm[name]; ok {
			t.Errorf("secret %s is in the ConfigMap", name)
		}
		if !refs[name] {
			t.Errorf("secret %s is not set from a secretKeyRef", name)
		}
	}
}

func TestServiceAndBudgetsSelectTandemPods(t *testing.T) {
	objs := k8sObjects(t)
	deps := deployments(t)
	svcs := yamlDocs[struct {
		Spec struct {
			Selector map[string]string `yaml:"selector"`
		} `yaml:"spec"`
	}](t, filepath.Join(k8sDir, "service.yaml"))
	serveLabels := deps["tandem-serve"].Spec.Template.Metadata.Labels
	if len(svcs) != 1 || len(svcs[0].Spec.Selector) == 0 || !subset(svcs[0].Spec.Selector, serveLabels) {
		t.Errorf("the Service does not select the serve pods %v", serveLabels)
	}
	for _, pdb := range objs["PodDisruptionBudget"] {
		matched := false
		for _, d := range deps {
			matched = matched || subset(pdb.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)
		}
		if !matched || len(pdb.Spec.Selector.MatchLabels) == 0 || pdb.Spec.MinAvailable < 1 {
			t.Errorf("PodDisruptionBudget %s protects no Tandem pods", pdb.Metadata.Name)
		}
	}
}
