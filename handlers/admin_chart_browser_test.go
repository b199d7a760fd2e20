package handlers

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

var updateScreenshot = flag.Bool("update-screenshot", false,
	"write docs/bookings-vs-billings.png from TestBookingsChartInBrowser")

// browserTimeout bounds the whole browser session; a healthy one takes a
// few seconds.
const browserTimeout = 60 * time.Second

// chromiumPath is $CHROMIUM or Debian's chromium. Missing is a failure,
// not a skip: `make deps` installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("the browser test needs Chromium at %s (%v): run `make deps` (apt-get install -y chromium) or set CHROMIUM", path, err)
	}
	return path
}

// browser starts a headless Chromium of its own with the flags that work
// on the CI machine and returns its first tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		// Without these Chromium phones home and, on the CI machine,
		// connections are refused en masse.
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 860),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, browserTimeout)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return ctx
}

// consoleEndMark is logged last, so that once the reader sees it, it has
// seen everything the page logged before.
const consoleEndMark = "tandem-test: end of page checks"

// consoleErrors reads the tab's console (console API calls, uncaught
// exceptions, browser log entries such as CSP violations and failed
// loads) from now on; the returned func logs consoleEndMark, waits for
// it and returns the errors seen.
func consoleErrors(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	messages := chromedp.Console(ctx)
	var errs []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			switch {
			case err != nil:
				errs = append(errs, "reading the console: "+err.Error())
				return
			case m.Text == consoleEndMark:
				return
			case m.Type == chromedp.ConsoleError || m.IsException():
				errs = append(errs, fmt.Sprintf("%s %s:%d: %s", m.Source, m.URL, m.Line+1, m))
			}
		}
	}()
	return func() []string {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("console.info(%q)", consoleEndMark))); err != nil {
			t.Errorf("marking the end of the console: %v", err)
		}
		<-done
		return errs
	}
}

// renderedChart is what the page shows, read from the DOM.
type renderedChart struct {
	Title  string   `json:"title"`
	Legend []string `json:"legend"`
	Bars   []struct {
		Month    string  `json:"month"`
		Series   string  `json:"series"`
		Category string  `json:"category"`
		Value    float64 `json:"value"`
		Height   float64 `json:"height"` // as laid out, in CSS pixels
	} `json:"bars"`
	Rows [][]string `json:"rows"`
}

const readChart = `(() => ({
	title: document.querySelector('svg[role=img] > title').textContent,
	legend: [...document.querySelectorAll('g.legend-item[data-category] text')].map(t => t.textContent),
	bars: [...document.querySelectorAll('rect.bar')].map(r => ({
		month: r.closest('g.month').dataset.month, series: r.dataset.series, category: r.dataset.category,
		value: Number(r.dataset.value), height: r.getBoundingClientRect().height,
	})),
	rows: [...document.querySelectorAll('table tr')].map(tr => [...tr.children].map(c => c.textContent)),
}))()`

// TestBookingsChartInBrowser loads the chart page over real HTTP, with
// the admin token, in headless Chromium, and checks what it lays out:
// one bar per month, series and non-zero category, heights ordered (and
// scaled) like the amounts, the legend, the table, and a clean console.
// It photographs the page; -update-screenshot keeps the photo in docs/.
func TestBookingsChartInBrowser(t *testing.T) {
	srv := chartServer(t, fixedChartData)
	ctx := browser(t)
	problems := consoleErrors(t, ctx)

	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
			_, err := cdp.Call(ctx, tab, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Bearer " + testAdminToken}})
			return err
		}),
		chromedp.Navigate(srv.URL+PathAdminBookingsPage+"?period="+chartPeriod),
		chromedp.WaitVisible(chromedp.CSS(`svg[role=img] rect.bar`)),
	)
	if err != nil {
		t.Fatalf("loading the page in Chromium: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[renderedChart](readChart))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}

	if want := "Bookings against billings, 2026-Q4 (USD), by forecast category"; got.Title != want {
		t.Errorf("title %q, want %q", got.Title, want)
	}
	wantLegend := []string{"Closed", "Commit", "Best Case", "Pipeline", "Omitted", `<Renewals & "Co">`}
	if strings.Join(got.Legend, "|") != strings.Join(wantLegend, "|") {
		t.Errorf("legend %q, want %q", got.Legend, wantLegend)
	}
	checkBarCounts(t, got)
	checkBarHeights(t, got)
	wantRows := [][]string{
		{"Month", "Booked", "Billed", "Gap (booked − billed)"},
		{"2026-10", "$ 500,000.00", "$ 330,000.00", "$ 170,000.00"},
		{"2026-11", "$ 685,000.00", "$ 295,000.00", "$ 390,000.00"},
		{"2026-12", "$ 175,000.00", "$ 20,000.00", "$ 155,000.00"},
		{"Total", "$ 1,360,000.00", "$ 645,000.00", "$ 715,000.00"},
	}
	if fmt.Sprint(got.Rows) != fmt.Sprint(wantRows) {
		t.Errorf("table rows\n%q\nwant\n%q", got.Rows, wantRows)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the browser reported errors:\n%s", strings.Join(p, "\n"))
	}
	checkScreenshot(t, shot)
}

// checkBarCounts: one bar per month, series and non-zero amount, so per
// category as many as the data has.
func checkBarCounts(t *testing.T, got renderedChart) {
	t.Helper()
	want, have := map[string]int{}, map[string]int{}
	for _, m := range chartMonths {
		for _, byCat := range []map[string]float64{m.Booked, m.Billed} {
			for cat, v := range byCat {
				if v != 0 {
					want[cat]++
				}
			}
		}
	}
	for _, b := range got.Bars {
		have[b.Category]++
	}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		t.Errorf("bars per category %v, want %v", have, want)
	}
	for _, b := range got.Bars {
		if v := amountOf(b.Month, b.Series, b.Category); v != b.Value {
			t.Errorf("%s %s %q shows %v, the report says %v", b.Month, b.Series, b.Category, b.Value, v)
		}
	}
}

func amountOf(month, series, category string) float64 {
	for _, m := range chartMonths {
		if m.Month == month {
			if series == "billed" {
				return m.Billed[category]
			}
			return m.Booked[category]
		}
	}
	return math.NaN()
}

// checkBarHeights: sorted by amount, the laid-out heights come out in the
// same order, and every pixel is worth the same amount.
func checkBarHeights(t *testing.T, got renderedChart) {
	t.Helper()
	bars := got.Bars
	sort.SliceStable(bars, func(i, j int) bool { return math.Abs(bars[i].Value) < math.Abs(bars[j].Value) })
	for i := 1; i < len(bars); i++ {
		a, b := bars[i-1], bars[i]
		if math.Abs(a.Value) < math.Abs(b.Value) && a.Height >= b.Height {
			t.Errorf("%s %s %q (%v) is %.2fpx high, not lower than %s %s %q (%v) at %.2fpx",
				a.Month, a.Series, a.Category, a.Value, a.Height, b.Month, b.Series, b.Category, b.Value, b.Height)
		}
	}
	largest := bars[len(bars)-1]
	perUnit := largest.Height / math.Abs(largest.Value)
	for _, b := range bars {
		if want := math.Abs(b.Value) * perUnit; math.Abs(b.Height-want) > 1 {
			t.Errorf("%s %s %q (%v) is %.2fpx high, want %.2fpx on the scale of the largest bar", b.Month, b.Series, b.Category, b.Value, b.Height, want)
		}
	}
}

// checkScreenshot: a PNG of the whole page, not blank; kept in docs/
// with -update-screenshot.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 960 || b.Dy() < 520 {
		t.Errorf("screenshot is %dx%d, smaller than the chart", b.Dx(), b.Dy())
	}
	colours := map[uint32]bool{}
	for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 7 {
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>12<<8|g>>12<<4|b>>12] = true
		}
	}
	if len(colours) < 6 {
		t.Errorf("screenshot has %d colours: the page did not paint", len(colours))
	}
	path := filepath.Join(t.TempDir(), "bookings-vs-billings.png")
	if *updateScreenshot {
		path = filepath.Join("..", "docs", "bookings-vs-billings.png")
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
