package main

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestFlagsTakeCredentialsFromTandemsVariables(t *testing.T) {
	c, err := parseFlags([]string{"-target", "http://a:1, http://b:2", "-ns-secret", "from-flag", "-warmup", "0"}, env(map[string]string{
		"TANDEM_SF_ORG_IDS":        "00D000000000001AAA,00D000000000002AAA",
		"TANDEM_SF_OUTBOUND_TOKEN": "obm-token",
		"TANDEM_NS_WEBHOOK_SECRET": "from-env",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cr := c.withDefaults().Credentials
	if cr.OrgID != "00D000000000001AAA" || cr.OutboundToken != "obm-token" || cr.NSSecret != "from-flag" || cr.EventsToken != sandboxEventsToken {
		t.Fatalf("credentials %+v", cr)
	}
	if !slices.Equal(c.Targets, []string{"http://a:1", "http://b:2"}) || c.Warmup >= 0 {
		t.Fatalf("targets %v warm-up %s", c.Targets, c.Warmup)
	}
	if !slices.Equal(c.Rates, DefaultRates) || c.Mix != (Mix{1, 1, 1}) {
		t.Fatalf("rates %v mix %v", c.Rates, c.Mix)
	}
}

func TestFlagsRefuseWhatTheyCannotRead(t *testing.T) {
	for _, args := range [][]string{{"-rates", "250,x"}, {"-mix", "soap=1"}, {"extra"}, {"-step", "soon"}} {
		if _, err := parseFlags(args, env(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestHelpNeverPrintsASecret(t *testing.T) {
	var help strings.Builder
	_, err := parseFlags([]string{"-h"}, env(map[string]string{"TANDEM_NS_WEBHOOK_SECRET": "s3cret-from-env"}), &help)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	if strings.Contains(help.String(), "s3cret-from-env") || !strings.Contains(help.String(), "$TANDEM_NS_WEBHOOK_SECRET") {
		t.Fatalf("help:\n%s", help.String())
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	c := Config{
		Targets: []string{"127.0.0.1:8080", "http://b"}, Rates: []float64{100, 0}, Notifications: 101,
		DuplicateShare: 1.5, Connections: 1, Credentials: Credentials{OrgID: "00D", EventsAuth: "basic"},
	}.withDefaults()
	err := c.validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"127.0.0.1:8080", "rate 0", "must be 1 to 100", "org id", "duplicate share", "events auth", "1 connections"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestZeroConfigIsTheSandboxRun(t *testing.T) {
	c := Config{}.withDefaults()
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	if c.Targets[0] != DefaultTarget || c.StepDuration != DefaultStepDuration || c.Connections != DefaultConnections ||
		c.Notifications != 1 || c.Credentials.OrgID != sandboxOrgID || c.IDBase == 0 {
		t.Fatalf("%+v", c)
	}
	if got := idBaseFromClock(time.UnixMilli(1_795_772_400_123)); got != 1_795_772_400_123_000 {
		t.Fatalf("id base %d", got)
	}
}
