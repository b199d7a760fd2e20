package soql

import (
	"errors"
	"testing"
)

// FuzzParse checks that any input either parses or fails with a query
// error that has a code and a message, and never panics; what parses must
// also run (binding errors are fine, panics are not).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"SELECT Id FROM Account",
		"SELECT Name, Account.Owner.Name, (SELECT Quantity FROM OpportunityLineItems WHERE Quantity > 1 ORDER BY SortOrder LIMIT 5) FROM Opportunity WHERE (IsWon = true OR Amount >= 10.5) AND NOT Name LIKE 'a\\_%' ORDER BY CloseDate DESC NULLS LAST LIMIT 10 OFFSET 2",
		"SELECT COUNT() FROM Contact WHERE CreatedDate = LAST_N_DAYS:7 AND Email IN ('a@b.c', null)",
		"SELECT Id FROM Opportunity WHERE CloseDate > 2020-01-01 AND LastModifiedDate < 2020-01-01T00:00:00.000+0000",
		"select id from account where name = 'O\\'Brien'",
		"SELECT Id FROM Account WHERE Name = 'x' AND Name = 'y' OR Name = 'z'",
		"SELECT",
		"'unterminated",
	} {
		f.Add(seed)
	}
	data := testData()
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse(src)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || qe.Code == "" || qe.Message() == "" {
				t.Fatalf("Parse(%q) error %v is not a query error", src, err)
			}
			return
		}
		_, _ = Run(src, testSchema, data, Options{Now: now})
	})
}
