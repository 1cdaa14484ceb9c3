// Package composecheck checks the repository's compose.yaml as `docker compose config` would:
// compose-go's loader (the library behind it) parses, interpolates, merges the x- anchors and
// validates the file against the Compose specification's JSON schema. Then it checks what the
// production setup promises (README, "Deployment"): a three-member replica set initiated by a
// one-shot service, two bots in webhook mode on it with health checks and restart policies,
// secrets from env files, the database on an internal network, Caddy publishing 80 and 443.
package composecheck

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// load copies compose.yaml and what it reads into a temporary directory (env files made from
// the examples, as an operator does) and loads it with the Compose loader.
func load(t *testing.T, edit func(string) string) (*types.Project, error) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyFile := func(from, to string, change func(string) string) {
		data, err := os.ReadFile(filepath.Join(root, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), []byte(change(string(data))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	same := func(s string) string { return s }
	copyFile("compose.yaml", "compose.yaml", edit)
	copyFile("Dockerfile", "Dockerfile", same)
	copyFile("deploy/Caddyfile", "deploy/Caddyfile", same)
	copyFile("deploy/concerto.env.example", "deploy/concerto.env", same)
	copyFile("deploy/proxy.env.example", "deploy/proxy.env", same)
	options, err := cli.NewProjectOptions(
		[]string{filepath.Join(dir, "compose.yaml")},
		cli.WithWorkingDirectory(dir),
		cli.WithEnvFiles(),
		cli.WithDotEnv,
	)
	if err != nil {
		t.Fatal(err)
	}
	return options.LoadProject(context.Background())
}

func project(t *testing.T) *types.Project {
	t.Helper()
	p, err := load(t, func(s string) string { return s })
	if err != nil {
		t.Fatalf("compose.yaml does not load: %v", err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("no service %q: %v", name, err)
	}
	return s
}

func env(s types.ServiceConfig, key string) string {
	if v, ok := s.Environment[key]; ok && v != nil {
		return *v
	}
	return ""
}

func TestSchemaRefusesAnInvalidFile(t *testing.T) {
	// The loader really validates: a misspelt key and a wrong type are refused.
	_, err := load(t, func(s string) string {
		return strings.Replace(s, "stop_grace_period: 15s", "stop_grace_perod: 15s", 1)
	})
	if err == nil || !strings.Contains(err.Error(), "stop_grace_perod") {
		t.Fatalf("a misspelt key was not refused by name: %v", err)
	}
	_, err = load(t, func(s string) string {
		return strings.Replace(s, "retries: 3", "retries: three", 1)
	})
	if err == nil || !strings.Contains(err.Error(), "retries") {
		t.Fatalf("a string where a number belongs was not refused: %v", err)
	}
}

func TestReplicaSet(t *testing.T) {
	p := project(t)
	for _, name := range []string{"mongo-1", "mongo-2", "mongo-3"} {
		s := service(t, p, name)
		if !strings.HasPrefix(s.Image, "mongo:") {
			t.Errorf("%s: image %q is not MongoDB", name, s.Image)
		}
		if !slices.Contains(s.Command, "--replSet") || !slices.Contains(s.Command, "rs0") {
			t.Errorf("%s: not started as a member of rs0: %v", name, s.Command)
		}
		if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
			t.Errorf("%s: no health check", name)
		}
		if s.Restart != "unless-stopped" && s.Restart != "always" {
			t.Errorf("%s: restart policy %q", name, s.Restart)
		}
		if len(s.Ports) != 0 {
			t.Errorf("%s: publishes ports %v: the database must stay internal", name, s.Ports)
		}
		if len(s.Volumes) == 0 || s.Volumes[0].Target != "/data/db" {
			t.Errorf("%s: no volume for /data/db", name)
		}
	}
	if !p.Networks["database"].Internal {
		t.Error("the database network is not internal")
	}
	init := service(t, p, "mongo-init")
	script := strings.Join(init.Entrypoint, " ")
	for _, want := range []string{"rs.initiate", "mongo-1:27017", "mongo-2:27017", "mongo-3:27017", "rs.status"} {
		if !strings.Contains(script, want) {
			t.Errorf("mongo-init does not contain %q", want)
		}
	}
	for _, member := range []string{"mongo-1", "mongo-2", "mongo-3"} {
		if init.DependsOn[member].Condition != types.ServiceConditionHealthy {
			t.Errorf("mongo-init does not wait for %s to be healthy", member)
		}
	}
	if init.Restart == "always" || init.Restart == "unless-stopped" {
		t.Errorf("mongo-init is a one-shot service, restart %q", init.Restart)
	}
}

func TestBots(t *testing.T) {
	p := project(t)
	for _, name := range []string{"bot-1", "bot-2"} {
		s := service(t, p, name)
		if s.Build == nil {
			t.Errorf("%s: not built from the Dockerfile", name)
		}
		if got := env(s, "TELEGRAM_MODE"); got != "webhook" {
			t.Errorf("%s: TELEGRAM_MODE=%q", name, got)
		}
		uri := env(s, "MONGODB_URI")
		for _, want := range []string{"mongo-1:27017", "mongo-2:27017", "mongo-3:27017", "replicaSet=rs0"} {
			if !strings.Contains(uri, want) {
				t.Errorf("%s: MONGODB_URI %q lacks %q", name, uri, want)
			}
		}
		if got := env(s, "MONGODB_WRITE_CONCERN"); got != "majority" {
			t.Errorf("%s: MONGODB_WRITE_CONCERN=%q", name, got)
		}
		if got := env(s, "TRUST_PROXY"); got != "true" {
			t.Errorf("%s: behind the proxy without TRUST_PROXY", name)
		}
		if len(s.EnvFiles) != 1 || !strings.HasSuffix(s.EnvFiles[0].Path, filepath.Join("deploy", "concerto.env")) {
			t.Errorf("%s: env files %v", name, s.EnvFiles)
		}
		if _, ok := s.Environment["TELEGRAM_WEBHOOK_SECRET"]; !ok {
			t.Errorf("%s: the env file's TELEGRAM_WEBHOOK_SECRET is not passed", name)
		}
		test := strings.Join(s.HealthCheck.Test, " ")
		if s.HealthCheck == nil || !strings.Contains(test, "/readyz") {
			t.Errorf("%s: health check %q does not ask /readyz", name, test)
		}
		if s.Restart != "unless-stopped" && s.Restart != "always" {
			t.Errorf("%s: restart policy %q", name, s.Restart)
		}
		if s.StopGracePeriod == nil || int64(*s.StopGracePeriod) < int64(10e9) {
			t.Errorf("%s: stop grace period under the 10 s graceful stop", name)
		}
		if s.DependsOn["mongo-init"].Condition != types.ServiceConditionCompletedSuccessfully {
			t.Errorf("%s: starts before the replica set is initiated", name)
		}
		if len(s.Ports) != 0 {
			t.Errorf("%s: publishes ports: only the proxy does", name)
		}
	}
}

func TestSecretsStayInEnvFiles(t *testing.T) {
	raw, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PSEUDONYM_SECRET", "ADMIN_TOKEN", "MICROSOFT_APP_PASSWORD"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("compose.yaml names %s: secrets belong in deploy/concerto.env", secret)
		}
	}
	example, err := os.ReadFile("../concerto.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"TELEGRAM_BOT_TOKEN=", "TELEGRAM_WEBHOOK_SECRET=", "PSEUDONYM_SECRET=", "ADMIN_TOKEN="} {
		if !strings.Contains(string(example), "\n"+secret) {
			t.Errorf("deploy/concerto.env.example does not list %s", secret)
		}
	}
}

func TestProxy(t *testing.T) {
	p := project(t)
	s := service(t, p, "proxy")
	published := map[string]bool{}
	for _, port := range s.Ports {
		published[port.Published] = true
	}
	if !published["80"] || !published["443"] {
		t.Errorf("the proxy publishes %v, not 80 and 443", s.Ports)
	}
	for _, bot := range []string{"bot-1", "bot-2"} {
		if s.DependsOn[bot].Condition != types.ServiceConditionHealthy {
			t.Errorf("the proxy does not wait for %s", bot)
		}
	}
	if _, ok := s.Environment["TELEGRAM_BOT_TOKEN"]; ok {
		t.Error("the proxy sees the bots' secrets")
	}
	if env(s, "SITE_ADDRESS") == "" {
		t.Error("the proxy has no SITE_ADDRESS")
	}
	caddyfile, err := os.ReadFile("../Caddyfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"reverse_proxy bot-1:3000 bot-2:3000", "health_uri /readyz", "{$SITE_ADDRESS}"} {
		if !strings.Contains(string(caddyfile), want) {
			t.Errorf("Caddyfile lacks %q", want)
		}
	}
}
