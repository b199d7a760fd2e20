package netsuite

import (
	"context"
	"errors"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite/tba"
)

// tbaAuth signs every attempt afresh (new nonce and timestamp): NetSuite
// rejects a header it has seen before.
type tbaAuth struct{ signer *tba.Signer }

func newTBA(accountID string, cfg TBAConfig) *tbaAuth {
	return &tbaAuth{signer: &tba.Signer{
		Realm:          strings.ToUpper(strings.ReplaceAll(accountID, "-", "_")),
		ConsumerKey:    cfg.ConsumerKey,
		ConsumerSecret: cfg.ConsumerSecret,
		TokenID:        cfg.TokenID,
		TokenSecret:    cfg.TokenSecret,
	}}
}

func (a *tbaAuth) prepare(context.Context) (func(method, url string) (string, error), error) {
	return a.signer.Authorization, nil
}

// rejected has nothing to drop: the next attempt is signed afresh anyway.
func (a *tbaAuth) rejected(string) {}

func (cfg *TBAConfig) validate() error {
	switch {
	case cfg.ConsumerKey == "":
		return errors.New("netsuite: Config.TBA.ConsumerKey is required")
	case cfg.ConsumerSecret == "":
		return errors.New("netsuite: Config.TBA.ConsumerSecret is required")
	case cfg.TokenID == "":
		return errors.New("netsuite: Config.TBA.TokenID is required")
	case cfg.TokenSecret == "":
		return errors.New("netsuite: Config.TBA.TokenSecret is required")
	}
	return nil
}
