package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
)

const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// jwtAudiences are the login URLs a JWT bearer assertion may name; the
// sandbox's own BaseURL is accepted too (it plays My Domain).
var jwtAudiences = []string{"https://login.salesforce.com", "https://test.salesforce.com"}

// session is an access token's state. Sessions expire TokenTTL after
// their last use, as Salesforce sessions time out on inactivity.
type session struct {
	user      User
	expires   time.Time
	permanent bool // the demo token
}

// newSession mints an access token in Salesforce's shape: the
// 15-character org id, "!", and an opaque part. Caller holds s.mu.
func (s *Server) newSession(u User) string {
	var b [72]byte
	_, _ = rand.Read(b[:])
	token := s.org15() + "!" + strings.ReplaceAll(base64.RawURLEncoding.EncodeToString(b[:]), "-", ".")
	now := s.cfg.Clock()
	for t, sess := range s.sessions {
		if !sess.permanent && now.After(sess.expires) {
			delete(s.sessions, t) // forget expired sessions
		}
	}
	s.sessions[token] = &session{user: u, expires: now.Add(s.cfg.TokenTTL)}
	return token
}

// sessionUser checks a token and extends its session. Caller holds s.mu.
func (s *Server) sessionUser(token string) (User, bool) {
	sess, ok := s.sessions[token]
	if !ok {
		return User{}, false
	}
	now := s.cfg.Clock()
	if !sess.permanent {
		if now.After(sess.expires) {
			delete(s.sessions, token)
			return User{}, false
		}
		sess.expires = now.Add(s.cfg.TokenTTL)
	}
	return sess.user, true
}

// ExpireSessions invalidates every token the token endpoint issued (the
// fixed DemoToken stays valid), so clients must log in again.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for token, sess := range s.sessions {
		if !sess.permanent {
			delete(s.sessions, token)
		}
	}
}

// handleToken serves POST /services/oauth2/token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, "invalid_request", "invalid request body")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		s.clientCredentials(w, r)
	case jwtBearerGrant:
		s.jwtBearer(w, r)
	default:
		writeOAuthError(w, "unsupported_grant_type", "grant type not supported")
	}
}

func (s *Server) clientCredentials(w http.ResponseWriter, r *http.Request) {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.cfg.ClientID {
		writeOAuthError(w, "invalid_client_id", "client identifier invalid")
		return
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ClientSecret)) != 1 {
		writeOAuthError(w, "invalid_client", "invalid client credentials")
		return
	}
	s.grant(w, r, s.integration, true)
}

func (s *Server) jwtBearer(w http.ResponseWriter, r *http.Request) {
	claims := jwt.RegisteredClaims{}
	_, err := jwt.ParseWithClaims(r.PostForm.Get("assertion"), &claims,
		func(*jwt.Token) (any, error) { return s.jwtPublic, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithLeeway(jwtClockSkew), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.cfg.Clock))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		writeOAuthError(w, "invalid_grant", "expired authorization code")
		return
	case err != nil:
		writeOAuthError(w, "invalid_grant", "invalid assertion")
		return
	case claims.Issuer != s.cfg.ClientID:
		writeOAuthError(w, "invalid_client_id", "client identifier invalid")
		return
	}
	if code, desc := s.audienceRefusal(r, claims.Audience); code != "" {
		writeOAuthError(w, code, desc)
		return
	}
	s.mu.Lock()
	user, ok := s.users[claims.Subject]
	s.mu.Unlock()
	if !ok {
		writeOAuthError(w, "invalid_grant", "user hasn't approved this consumer")
		return
	}
	s.grant(w, r, user, false)
}

// audienceRefusal is the OAuth error for an assertion whose aud this
// org's app does not accept ("" when it does), per Config.JWTAudience.
// The bodies are Salesforce's: "audience is invalid" for a classic
// connected app, app_not_found for an External Client App that wants My
// Domain.
func (s *Server) audienceRefusal(r *http.Request, aud jwt.ClaimStrings) (code, desc string) {
	allowed := append(slices.Clone(jwtAudiences), s.baseURL(r))
	switch s.cfg.JWTAudience {
	case JWTAudienceClassic:
		allowed = jwtAudiences
	case JWTAudienceMyDomain:
		allowed = []string{s.baseURL(r)}
	}
	for _, a := range aud {
		if slices.Contains(allowed, strings.TrimSuffix(a, "/")) {
			return "", ""
		}
	}
	if s.cfg.JWTAudience == JWTAudienceMyDomain {
		return "app_not_found", "External client app is not installed in this org"
	}
	return "invalid_grant", "audience is invalid"
}

// grant answers a token request with a new session for user, in the shape
// of Salesforce's token response.
func (s *Server) grant(w http.ResponseWriter, r *http.Request, user User, signed bool) {
	s.mu.Lock()
	token := s.newSession(user)
	s.mu.Unlock()
	base := s.baseURL(r)
	idURL := base + "/id/" + s.cfg.OrgID + "/" + user.ID
	resp := map[string]string{
		"access_token": token, "scope": "api", "instance_url": base, "id": idURL, "token_type": "Bearer",
	}
	if signed {
		issuedAt := strconv.FormatInt(s.cfg.Clock().UnixMilli(), 10)
		mac := hmac.New(sha256.New, []byte(s.cfg.ClientSecret))
		mac.Write([]byte(idURL + issuedAt))
		resp["issued_at"], resp["signature"] = issuedAt, base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	writeJSON(w, http.StatusOK, resp)
}

func writeOAuthError(w http.ResponseWriter, code, description string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// bearerToken reads "Authorization: Bearer <token>" (or "OAuth <token>").
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "OAuth")) {
		return ""
	}
	return strings.TrimSpace(token)
}

// handleIdentity serves the id URL of the token response.
func (s *Server) handleIdentity(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	user, ok := s.sessionUser(bearerToken(r))
	s.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", "Token")
		writeAPIError(w, errInvalidSession())
		return
	}
	if chi.URLParam(r, "user") != user.ID {
		writeAPIError(w, errNotFound())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": s.baseURL(r) + "/id/" + s.cfg.OrgID + "/" + user.ID, "user_id": user.ID,
		"organization_id": s.cfg.OrgID, "username": user.Username, "display_name": user.Name,
		"email": user.Email, "active": true, "user_type": "STANDARD",
	})
}
