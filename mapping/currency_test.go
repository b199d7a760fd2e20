package mapping

import (
	"slices"
	"testing"
)

// TestSingleCurrencyDropsCurrencyIsoCode: fitted to a single-currency org
// no shipped mapping reads or writes CurrencyIsoCode; the set it came from
// still does.
func TestSingleCurrencyDropsCurrencyIsoCode(t *testing.T) {
	multi, err := Load(Config{})
	if err != nil {
		t.Fatal(err)
	}
	single := multi.SingleCurrency()
	var had int
	for _, name := range multi.Flows() {
		m, _ := multi.Mapping(name)
		s, _ := single.Mapping(name)
		if slices.Contains(m.Writes(), CurrencyField) || slices.Contains(m.Reads().Fields, CurrencyField) {
			had++
		}
		if slices.Contains(s.Writes(), CurrencyField) || slices.Contains(s.Reads().Fields, CurrencyField) {
			t.Errorf("%s still reads or writes %s", name, CurrencyField)
		}
	}
	if had < 4 {
		t.Errorf("%d shipped mappings use %s, want the 4 that do", had, CurrencyField)
	}
	if !single.SalesforceLacks(CurrencyField) || multi.SalesforceLacks(CurrencyField) {
		t.Error("SalesforceLacks does not follow SingleCurrency")
	}
}
