package deploy

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case: FROM, RUN, USER…
	args string
}

// stage is the instructions from one FROM to the next.
type stage struct {
	from  instruction
	steps []instruction
}

func dockerfileStages(t *testing.T) []stage {
	t.Helper()
	var stages []stage
	for _, in := range dockerInstructions(string(readFile(t, dockerfilePath))) {
		if in.cmd == "FROM" {
			stages = append(stages, stage{from: in})
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s:%d: %s before the first FROM", dockerfilePath, in.line, in.cmd)
		}
		stages[len(stages)-1].steps = append(stages[len(stages)-1].steps, in)
	}
	return stages
}

func dockerInstructions(text string) []instruction {
	var out []instruction
	var cur *instruction
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if cur == nil && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		cont := strings.HasSuffix(line, "\\")
		line = strings.TrimSuffix(line, "\\")
		if cur == nil {
			cmd, args, _ := strings.Cut(line, " ")
			cur = &instruction{line: i + 1, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		} else if line != "" && !strings.HasPrefix(line, "#") {
			cur.args += " " + line
		}
		if !cont {
			out = append(out, *cur)
			cur = nil
		}
	}
	return out
}

func (s stage) find(cmd string) []instruction {
	var out []instruction
	for _, in := range s.steps {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// dockerfileEnv maps each ENV the image sets to where.
func dockerfileEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{}
	pair := regexp.MustCompile(`([A-Z_][A-Z0-9_]*)=`)
	for _, s := range dockerfileStages(t)[1:] {
		for _, in := range s.find("ENV") {
			for _, m := range pair.FindAllStringSubmatch(in.args, -1) {
				env[m[1]] = dockerfilePath + ":" + strconv.Itoa(in.line)
			}
		}
	}
	return env
}

func TestDockerfileBuildsInAGoStageAndRunsAsNonRoot(t *testing.T) {
	stages := dockerfileStages(t)
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d stage(s)", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	buildImage, buildName, _ := strings.Cut(build.from.args, " AS ")
	if !strings.HasPrefix(buildImage, "golang:1.26") || buildName == "" {
		t.Errorf("build stage is %q, want golang:1.26 AS <name>", build.from.args)
	}
	const goBuild = "CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /tandem ./cmd/tandem"
	if !containsArgs(build.find("RUN"), goBuild) {
		t.Errorf("build stage does not run %q", goBuild)
	}
	if img := final.from.args; !strings.HasPrefix(img, "gcr.io/distroless/static") && img != "scratch" {
		t.Errorf("final stage is %q, want distroless static or scratch", img)
	}
	if !containsArgs(final.find("COPY"), "--from="+strings.TrimSpace(buildName)) {
		t.Errorf("final stage copies nothing from the %s stage", buildName)
	}
	checkNonRootUser(t, final)
	checkFinalStage(t, final)
}

func containsArgs(ins []instruction, want string) bool {
	for _, in := range ins {
		if strings.Contains(in.args, want) {
			return true
		}
	}
	return false
}

func checkNonRootUser(t *testing.T, final stage) {
	t.Helper()
	users := final.find("USER")
	if len(users) == 0 {
		t.Fatal("the final stage sets no USER: the container would run as root")
	}
	user, _, _ := strings.Cut(users[len(users)-1].args, ":")
	if user == "root" || user == "0" || user == "" {
		t.Errorf("USER %q is root", users[len(users)-1].args)
	}
}

func checkFinalStage(t *testing.T, final stage) {
	t.Helper()
	if !containsArgs(final.find("EXPOSE"), "8080") {
		t.Error("final stage does not EXPOSE 8080")
	}
	if !containsArgs(final.find("ENV"), "TANDEM_ADDR=0.0.0.0:8080") {
		t.Error("final stage does not set TANDEM_ADDR=0.0.0.0:8080 (the default listens on loopback only)")
	}
	if !containsArgs(final.find("ENTRYPOINT"), `["tandem"]`) {
		t.Error(`final stage ENTRYPOINT is not ["tandem"]`)
	}
}

// composeFile is the part of compose.yaml the tests read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Image           string            `yaml:"image"`
	Command         []string          `yaml:"command"`
	Environment     map[string]string `yaml:"environment"`
	EnvFile         []map[string]any  `yaml:"env_file"`
	Ports           []string          `yaml:"ports"`
	StopGracePeriod string            `yaml:"stop_grace_period"`
	ReadOnly        bool              `yaml:"read_only"`
	Deploy          struct {
		Replicas int `yaml:"replicas"`
	} `yaml:"deploy"`
}

func compose(t *testing.T) composeFile {
	t.Helper()
	docs := yamlDocs[composeFile](t, composePath)
	if len(docs) != 1 {
		t.Fatalf("%s: want one document, got %d", composePath, len(docs))
	}
	return docs[0]
}

func composeEnvNames(t *testing.T) map[string][]string {
	t.Helper()
	names := map[string][]string{}
	for svc, s := range compose(t).Services {
		for name := range s.Environment {
			names[name] = append(names[name], composePath+" service "+svc)
		}
	}
	return names
}

func TestComposeRunsRedisServeAndTwoWorkers(t *testing.T) {
	c := compose(t)
	redis, serve, work := c.Services["redis"], c.Services["serve"], c.Services["work"]
	if !strings.HasPrefix(redis.Image, "redis:7") {
		t.Errorf("redis image %q, want redis:7", redis.Image)
	}
	if !strings.Contains(strings.Join(redis.Command, " "), "--appendonly yes") {
		t.Errorf("redis command %q does not turn AOF on", redis.Command)
	}
	for name, want := range map[string]string{"serve": "serve", "work": "work"} {
		s := c.Services[name]
		if len(s.Command) != 1 || s.Command[0] != want {
			t.Errorf("%s command %q, want [%s]", name, s.Command, want)
		}
		checkTandemService(t, name, s)
	}
	if work.Deploy.Replicas != 2 {
		t.Errorf("work replicas %d, want 2", work.Deploy.Replicas)
	}
	if len(serve.Ports) == 0 || !strings.HasSuffix(serve.Ports[0], ":8080") {
		t.Errorf("serve ports %q do not publish 8080", serve.Ports)
	}
}

func checkTandemService(t *testing.T, name string, s composeService) {
	t.Helper()
	if len(s.EnvFile) == 0 || s.EnvFile[0]["path"] != ".env" {
		t.Errorf("%s does not read its environment from .env", name)
	}
	if !strings.HasPrefix(s.Environment["REDIS_URL"], "redis://redis:6379") {
		t.Errorf("%s REDIS_URL %q is not the compose Redis", name, s.Environment["REDIS_URL"])
	}
	grace, err := time.ParseDuration(s.StopGracePeriod)
	if err != nil || grace <= shutdownTimeout(t) {
		t.Errorf("%s stop_grace_period %q must exceed TANDEM_SHUTDOWN_TIMEOUT %s", name, s.StopGracePeriod, shutdownTimeout(t))
	}
	if !s.ReadOnly {
		t.Errorf("%s root filesystem is writable", name)
	}
}
