package netsuite

import "testing"

func TestValidAccountID(t *testing.T) {
	for id, want := range map[string]bool{
		"1234567": true, "1234567_SB1": true, "1234567_SB2": true, "1234567_RP": true, "TSTDRV1234567": true,
		"1234567-sb1": true, "1234567_sb1": true,
		"": false, "1234567 SB1": false, "_SB1": false, "1234567_": false, "1234567__SB1": false,
		"1234567_SB1_SB2": false, "-1234567": false, "1234567.SB1": false, "1234567/SB1": false,
	} {
		if got := ValidAccountID(id); got != want {
			t.Errorf("ValidAccountID(%q) = %v, want %v", id, got, want)
		}
	}
}
