package reconcile

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// moneyFormat writes amounts of one currency for people: x/text knows
// each ISO currency's symbol and minor digits.
type moneyFormat struct {
	code    string
	unit    currency.Unit
	known   bool
	printer *message.Printer
}

func newMoneyFormat(code string) moneyFormat {
	unit, err := currency.ParseISO(code)
	return moneyFormat{code: code, unit: unit, known: err == nil, printer: message.NewPrinter(language.English)}
}

// Money writes an amount in full, e.g. "$ 1,234.50", "CHF 1,234.50";
// an unknown currency code is written as given before the number.
func FormatMoney(code string, v float64) string { return newMoneyFormat(code).full(v) }

func (m moneyFormat) full(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v // "-$ 5.00", not x/text's "$ -5.00"
	}
	if !m.known {
		return sign + strings.TrimSpace(m.code+" "+m.printer.Sprintf("%.2f", v))
	}
	return sign + m.printer.Sprint(currency.Symbol(m.unit.Amount(v)))
}

// compact writes an axis amount: "$250k", "€1.5M", "CHF 2M".
func (m moneyFormat) compact(v float64) string {
	sym := m.code
	if m.known {
		sym = m.printer.Sprint(currency.Symbol(m.unit))
	}
	if last := []rune(sym); len(last) > 0 && unicode.IsLetter(last[len(last)-1]) {
		sym += " "
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	suffix := ""
	for _, s := range []struct {
		div    float64
		suffix string
	}{{1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= s.div {
			v, suffix = v/s.div, s.suffix
			break
		}
	}
	n := strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64)
	n = strings.TrimRight(strings.TrimRight(n, "0"), ".")
	return sign + sym + n + suffix
}
