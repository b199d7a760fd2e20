package handlers

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// AdminAuth guards /admin/ and /monitoring/ with the admin token, sent as
// "Authorization: Bearer <token>" by API clients or as the password of
// HTTP basic auth (any user name) by browsers. Anything else gets 401 with
// a Basic challenge, so a browser asks for it, and a JSON error. An empty
// token refuses every request.
func AdminAuth(token string) func(http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, ok := adminCredential(r)
			// Comparing digests keeps the comparison constant-time in
			// the token's length too.
			digest := sha256.Sum256([]byte(got))
			if !ok || token == "" || subtle.ConstantTimeCompare(digest[:], want[:]) != 1 {
				w.Header().Add("WWW-Authenticate", `Basic realm="Tandem", charset="UTF-8"`)
				w.Header().Add("WWW-Authenticate", `Bearer realm="Tandem"`)
				writeAdminError(w, http.StatusUnauthorized,
					"admin token required: send Authorization: Bearer <TANDEM_ADMIN_TOKEN>, or the token as the basic auth password")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// adminCredential is the token a request offers: a Bearer token or a
// basic auth password.
func adminCredential(r *http.Request) (string, bool) {
	if _, password, ok := r.BasicAuth(); ok {
		return password, true
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
