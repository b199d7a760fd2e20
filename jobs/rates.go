package jobs

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/mapping"
)

// NetSuiteRates answers the mappings' convert() from NetSuite's currency
// records: each holds its exchange rate to the account's base currency, so
// one unit of from buys rate(from)/rate(to) units of to. These are the
// current rates; dated rates (NetSuite's currencyrate table) are not read
// yet, so date is ignored. A mapping session caches what it reads.
type NetSuiteRates struct {
	NetSuite interface {
		SuiteQLAll(ctx context.Context, query string, params []any) ([]netsuite.Row, error)
	}
}

// Rate implements mapping.RateSource.
func (r NetSuiteRates) Rate(ctx context.Context, from, to, _ string) (float64, error) {
	rows, err := r.NetSuite.SuiteQLAll(ctx, "SELECT symbol, exchangerate FROM currency WHERE symbol IN (?, ?)", []any{from, to})
	if err != nil {
		return 0, fmt.Errorf("reading NetSuite's exchange rates: %w", err)
	}
	rates := map[string]float64{}
	for _, row := range rows {
		rates[strings.ToUpper(row.String("symbol"))] = row.Float("exchangerate")
	}
	f, t := rates[strings.ToUpper(from)], rates[strings.ToUpper(to)]
	if f <= 0 || t <= 0 {
		return 0, fmt.Errorf("%w between %s and %s in NetSuite's currencies", mapping.ErrNoRate, from, to)
	}
	return f / t, nil
}
