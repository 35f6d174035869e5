package web

import "net/http"

// contentSecurityPolicy allows scripts, styles, frames and connections
// only from this site, no inline script or style, no plugins, no <base>,
// and no framing of Peyk by anyone.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; " +
	"form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// mailFramePolicy is the policy of a sanitized mail body shown in a
// sandboxed frame: nothing may load or run; inline styles and embedded
// images may show; only Peyk's own pages may frame it.
const mailFramePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"sandbox; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// securityHeaders sets the security headers on every response. A handler
// may replace them (see mailFrameHeaders).
func (s *Server) securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil || s.CookieSecure {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, r)
	})
}

// mailFrameHeaders replaces the page policy with the one for a sanitized
// mail body that Peyk's own conversation page shows in a sandboxed frame.
// Call it before writing the body.
func mailFrameHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", mailFramePolicy)
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
}
