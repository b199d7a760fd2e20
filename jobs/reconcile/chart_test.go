package reconcile

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// chartCases are the goldens in testdata/chart/<name>.svg.
var chartCases = []struct {
	name, period, currency string
	months                 []MonthTotals
}{
	{"quarter", "2026-Q4", "USD", []MonthTotals{
		{Month: "2026-10",
			Booked: map[string]float64{"Closed": 420000, "Commit": 80000}, // a closed-won deal a user left in Commit
			Billed: map[string]float64{"Closed": 250000, "Commit": 80000}},
		{Month: "2026-11",
			Booked: map[string]float64{"Closed": 610000, "Best Case": 45000},
			Billed: map[string]float64{"Closed": 300000}},
		{Month: "2026-12",
			Booked: map[string]float64{"Closed": 150000, "Pipeline": 20000, "Omitted": 5000},
			Billed: map[string]float64{"Closed": 0, "Pipeline": 20000}},
	}},
	{"escaping-and-credits", `2026-11 <"Q">`, "CHF", []MonthTotals{
		{Month: "2026-11",
			Booked: map[string]float64{"Closed": 90000, `<Renewals & "Co">`: 12000, "": 3000},
			Billed: map[string]float64{"Closed": 70000, `<Renewals & "Co">`: -8000, "Commit": math.NaN()}},
	}},
	{"empty", "2027-Q1", "EUR", nil},
}

func TestChartGolden(t *testing.T) {
	for _, c := range chartCases {
		t.Run(c.name, func(t *testing.T) {
			got := ChartSVG(c.period, c.currency, c.months)
			path := filepath.Join("testdata", "chart", c.name+".svg")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("ChartSVG differs from %s (run with -update if the change is meant):\n%s", path, got)
			}
		})
	}
}

// svgDoc is what the tests read back from a chart.
type svgDoc struct {
	Title string `xml:"title"`
	Desc  string `xml:"desc"`
	Bars  []struct {
		Series   string  `xml:"data-series,attr"`
		Category string  `xml:"data-category,attr"`
		Value    float64 `xml:"data-value,attr"`
		Y        float64 `xml:"y,attr"`
		Height   float64 `xml:"height,attr"`
		Label    string  `xml:"aria-label,attr"`
	} `xml:"g>rect"`
	Legend []string `xml:"g>g>text"`
}

func parseChart(t *testing.T, svg []byte) svgDoc {
	t.Helper()
	// Every token must parse: escaping mistakes break the document.
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, svg)
		}
	}
	var doc svgDoc
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestChartEscapesText(t *testing.T) {
	c := chartCases[1]
	doc := parseChart(t, ChartSVG(c.period, c.currency, c.months))
	if want := `Bookings against billings, 2026-11 <"Q"> (CHF), by forecast category`; doc.Title != want {
		t.Errorf("title %q, want %q", doc.Title, want)
	}
	want := []string{"Closed", "(no category)", `<Renewals & "Co">`, "Booked (left bar)", "Billed (right bar, striped)"}
	if strings.Join(doc.Legend, "|") != strings.Join(want, "|") {
		t.Errorf("legend %q, want %q", doc.Legend, want)
	}
}

func TestChartBarsFollowTheData(t *testing.T) {
	for _, c := range chartCases {
		doc := parseChart(t, ChartSVG(c.period, c.currency, c.months))
		var want, bars int
		for _, m := range c.months {
			for _, byCat := range []map[string]float64{m.Booked, m.Billed} {
				for _, v := range byCat {
					if finiteOr0(v) != 0 {
						want++
					}
				}
			}
		}
		var perUnit float64
		for _, b := range doc.Bars {
			if b.Series == "" {
				continue // the hatch over a billed segment
			}
			bars++
			// Every segment's height is its amount on one scale.
			if perUnit == 0 {
				perUnit = b.Height / math.Abs(b.Value)
			}
			if got := b.Height / math.Abs(b.Value); math.Abs(got-perUnit)*math.Abs(b.Value) > 0.02 {
				t.Errorf("%s: %s bar %q of %v is %v high; the scale is %v per unit", c.name, b.Series, b.Category, b.Value, b.Height, perUnit)
			}
		}
		if bars != want {
			t.Errorf("%s: %d bars, want one per non-zero amount: %d", c.name, bars, want)
		}
	}
}

func TestMoneyFormats(t *testing.T) {
	for _, c := range []struct {
		code string
		v    float64
		full string
		tick string
	}{
		{"USD", 1234.5, "$ 1,234.50", "$1.23k"},
		{"USD", 250000, "$ 250,000.00", "$250k"},
		{"EUR", -1500000, "-€ 1,500,000.00", "-€1.5M"},
		{"CHF", 2e9, "CHF 2,000,000,000.00", "CHF 2B"},
		{"JPY", 0, "¥ 0", "¥0"},
		{"XYZ", 12.5, "XYZ 12.50", "XYZ 12.5"},
		{"", -12.5, "-12.50", "-12.5"},
	} {
		m := newMoneyFormat(c.code)
		if got := m.full(c.v); got != c.full {
			t.Errorf("full(%s %v) = %q, want %q", c.code, c.v, got, c.full)
		}
		if got := m.compact(c.v); got != c.tick {
			t.Errorf("compact(%s %v) = %q, want %q", c.code, c.v, got, c.tick)
		}
	}
}

// A small credit extends the axis below zero only to the next nice amount
// its label fits at; a large one by whole steps.
func TestChartScaleBelowZero(t *testing.T) {
	for _, c := range []struct {
		credit, wantLo, wantHi float64
		wantTicks              []float64
	}{
		{-5000, -50000, 800000, []float64{-50000, 0, 200000, 400000, 600000, 800000}},
		{-45000, -50000, 800000, []float64{-50000, 0, 200000, 400000, 600000, 800000}},
		{-60000, -100000, 800000, []float64{-100000, 0, 200000, 400000, 600000, 800000}},
		{-350000, -500000, 750000, []float64{-500000, -250000, 0, 250000, 500000, 750000}},
	} {
		months := []MonthTotals{{Month: "2026-10", Booked: map[string]float64{"Closed": 690000}, Billed: map[string]float64{"Closed": c.credit}}}
		lo, hi, ticks := chartScale(months)
		if i := slices.Index(ticks, 0); i < 0 || math.Signbit(ticks[i]) {
			t.Errorf("credit %v: ticks %v: no zero, or a negative one", c.credit, ticks)
		}
		if lo != c.wantLo || hi != c.wantHi || !slices.Equal(ticks, c.wantTicks) {
			t.Errorf("credit %v: axis %v to %v, ticks %v; want %v to %v, ticks %v", c.credit, lo, hi, ticks, c.wantLo, c.wantHi, c.wantTicks)
		}
	}
}
