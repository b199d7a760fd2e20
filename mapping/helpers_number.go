package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxPlaces bounds round()'s places so 10^places stays exact.
const maxPlaces = 10

// round(x) rounds to a whole number, round(x, places) to that many
// decimal places, halves away from zero; null stays null.
func round(args ...any) (any, error) {
	if args[0] == nil {
		return nil, nil
	}
	x, err := number("round", args[0])
	if err != nil {
		return nil, err
	}
	places := 0
	if len(args) > 1 {
		if places, err = intArg("round", args[1]); err != nil {
			return nil, err
		}
	}
	if places < 0 || places > maxPlaces {
		return nil, fmt.Errorf("round: places must be 0 to %d, not %d", maxPlaces, places)
	}
	return roundDecimal(x, places), nil
}

// roundDecimal rounds the number as it is written, not its binary
// approximation: 1.005 is stored as 1.00499999…, and math.Round(x*100)/100
// gives 1.00 where a person (and a finance system) expects 1.01.
func roundDecimal(x float64, places int) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64) // the shortest decimal that reads back as x
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) <= places {
		return x
	}
	digits := []byte(whole + frac[:places])
	if frac[places] >= '5' { // half away from zero
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		} else {
			digits[i]++
		}
	}
	cut := len(digits) - places
	r, _ := strconv.ParseFloat(string(digits[:cut])+"."+string(digits[cut:]), 64)
	if r == 0 {
		return 0 // not -0
	}
	return math.Copysign(r, x)
}

// num(x) is x as a number: null and empty text are 0, text such as
// "1,234.50" is read (SuiteQL returns numbers as text).
func num(args ...any) (any, error) {
	if _, ok := args[0].(float64); ok {
		return args[0], nil // as it is: no new allocation
	}
	if isEmpty(args[0]) {
		return 0.0, nil
	}
	return number("num", args[0])
}

// number reads a number from a record value.
func number(fn string, v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case json.Number:
		return x.Float64()
	case string:
		clean := strings.ReplaceAll(strings.TrimSpace(x), ",", "")
		f, err := strconv.ParseFloat(clean, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a number", fn, x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("%s: %v is not a number", fn, v)
}
