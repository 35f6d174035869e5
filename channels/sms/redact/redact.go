// Package redact finds the secrets in an SMS gateway's settings —
// passwords, tokens and keys wherever they sit: a field named like one, a
// URL's user info or query, a form field, a header, a JSON member of a body
// template — and masks them for display, errors and logs.
//
// The rule (docs/security.md, "Secret fields"): a value is secret when its
// field, parameter or member name is secret (Name), when it is a header
// value, or when it is the password of a URL. Every such value is replaced
// by Mask where it sits, and, when it is at least MinLen characters long,
// wherever else it shows up (raw, query-escaped or path-escaped), so a
// secret copied into a delivery-report URL or echoed in an error is masked
// too.
package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Mask replaces a secret value.
const Mask = "REDACTED"

// MinLen is the shortest secret searched for outside the place it sits:
// masking every "1" of an error message would hide more than it protects.
const MinLen = 4

// Name reports whether a field, parameter or header name holds a secret:
// it names a password (pass, pwd), a secret, a token, a credential, a
// signature or an authorization, or ends in "key" (key, api_key, apikey);
// extra names count too. Case, "-", "_" and "." are ignored. Names ending
// in "header", "params" or "fields" say where a secret is, not what it is,
// and are not secret.
func Name(name string, extra ...string) bool {
	n := normalize(name)
	if n == "" {
		return false
	}
	for _, e := range extra {
		if normalize(e) == n {
			return true
		}
	}
	for _, s := range []string{"header", "params", "fields"} {
		if strings.HasSuffix(n, s) {
			return false
		}
	}
	for _, w := range []string{"pass", "pwd", "secret", "token", "credential", "signature", "auth"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return strings.HasSuffix(n, "key") || n == "sig"
}

func normalize(name string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(name)))
}

var (
	// userinfo: scheme://user:password@ — group 1 is the password.
	userinfo = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@?#"'{}]*:([^/\s@?#"']+)@`)
	// pair: name=value in a query or form — group 1 the name, 2 the value
	// (which ends at a "?" too, where a URL inside a value has its own query).
	pair = regexp.MustCompile(`(?:^|[?&;\s"'])([A-Za-z0-9_.\-\[\]]+)=([^&;?\s"'#]*)`)
	// member: "name": "value" in JSON — group 1 the name, 2 the value.
	member = regexp.MustCompile(`"((?:[^"\\]|\\.)+)"\s*:\s*"((?:[^"\\]|\\.)*)"`)
)

// span is the byte range of a secret value in a string.
type span struct{ start, end int }

// find returns where the secrets sit in s: URL passwords, the values of
// secret-named pairs and JSON members.
func find(s string, extra []string) []span {
	var out []span
	for _, m := range userinfo.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, span{m[2], m[3]})
	}
	for _, re := range []*regexp.Regexp{pair, member} {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			if m[5] > m[4] && Name(s[m[2]:m[3]], extra...) {
				out = append(out, span{m[4], m[5]})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// Text returns s with the secrets that sit in it masked: the password of
// any URL (scheme://user:password@host), the value of each name=value
// pair whose name is secret (query strings, form bodies), and the value of
// each "name": "value" JSON member whose name is secret. Templates are
// text like any other: {{.To}} is left alone.
func Text(s string, extra ...string) string {
	spans := find(s, extra)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			continue // overlapping matches: the first one masked it
		}
		b.WriteString(s[last:sp.start])
		b.WriteString(Mask)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// Values returns the secret values that sit in s (as Text finds them),
// each as written and, where it differs, decoded (a query value
// unescaped, a JSON string unquoted).
func Values(s string, extra ...string) []string {
	var out []string
	for _, sp := range find(s, extra) {
		v := s[sp.start:sp.end]
		out = append(out, v)
		if d, err := url.QueryUnescape(v); err == nil && d != v {
			out = append(out, d)
		}
		var d string
		if json.Unmarshal([]byte(`"`+v+`"`), &d) == nil && d != v {
			out = append(out, d)
		}
	}
	return out
}

// Redactor masks known secret values in text and errors. The zero value
// and nil mask nothing.
type Redactor struct{ r *strings.Replacer }

// New returns a Redactor of values: each one at least MinLen long is
// masked as written, query-escaped and path-escaped.
func New(values ...string) *Redactor {
	seen := map[string]bool{}
	var olds []string
	for _, v := range values {
		if len(v) < MinLen {
			continue
		}
		for _, f := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			if !seen[f] {
				seen[f] = true
				olds = append(olds, f)
			}
		}
	}
	if len(olds) == 0 {
		return &Redactor{}
	}
	// Longest first: strings.Replacer tries the pairs in order.
	sort.SliceStable(olds, func(i, j int) bool { return len(olds[i]) > len(olds[j]) })
	pairs := make([]string, 0, 2*len(olds))
	for _, o := range olds {
		pairs = append(pairs, o, Mask)
	}
	return &Redactor{r: strings.NewReplacer(pairs...)}
}

// String returns s with every known secret masked.
func (r *Redactor) String(s string) string {
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Error returns err with every known secret masked from its message; it
// still wraps err (errors.Is and errors.As see through it). A *url.Error
// in the chain has its URL masked in place, so code that finds it with
// errors.As and prints it shows no secret either. Nil stays nil.
func (r *Redactor) Error(err error) error {
	if err == nil || r == nil || r.r == nil {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = r.String(ue.URL)
	}
	return &redacted{err: err, r: r}
}

type redacted struct {
	err error
	r   *Redactor
}

func (e *redacted) Error() string { return e.r.String(e.err.Error()) }
func (e *redacted) Unwrap() error { return e.err }

// Settings returns the public view of a channel's JSON settings: the keys
// in drop removed, and every secret masked (Mask) where it sits — values of
// secret-named members at any depth, every value under a "headers" member,
// secrets inside strings (Text) — and wherever else it shows up. Names
// listed in a top-level "secret_params" array count as secret too. A
// document that is not a JSON object yields {}.
func Settings(raw json.RawMessage, drop ...string) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return json.RawMessage(`{}`)
	}
	var extra []string
	if list, ok := m["secret_params"].([]any); ok {
		for _, v := range list {
			if s, ok := v.(string); ok {
				extra = append(extra, s)
			}
		}
	}
	var secrets []string
	for _, k := range drop {
		if v, ok := m[k]; ok {
			secrets = append(secrets, leaves(v)...)
			delete(m, k)
		}
	}
	w := walker{extra: extra}
	w.collect(m, &secrets)
	w.r = New(secrets...)
	out := w.mask(m)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return json.RawMessage(`{}`)
	}
	return json.RawMessage(bytes.TrimSpace(b.Bytes()))
}

// walker goes through decoded JSON settings.
type walker struct {
	extra []string
	r     *Redactor
}

// secretKey reports whether every value under key is secret.
func (w walker) secretKey(key string) bool {
	return Name(key, w.extra...) || normalize(key) == "headers"
}

// collect appends the secret values in v to out.
func (w walker) collect(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if w.secretKey(k) {
				*out = append(*out, leaves(c)...)
				continue
			}
			w.collect(c, out)
		}
	case []any:
		for _, c := range v {
			w.collect(c, out)
		}
	case string:
		*out = append(*out, Values(v, w.extra...)...)
		// A URL carried inside another one (a dlr-url in a send URL) is
		// escaped: look into it too.
		if d, err := url.QueryUnescape(v); err == nil && d != v {
			*out = append(*out, Values(d, w.extra...)...)
		}
	}
}

// mask returns v with its secrets masked.
func (w walker) mask(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			if w.secretKey(k) {
				out[k] = maskLeaves(c)
				continue
			}
			out[k] = w.mask(c)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = w.mask(c)
		}
		return out
	case string:
		return w.r.String(Text(v, w.extra...))
	}
	return v
}

// leaves returns the strings and numbers in v, as text.
func leaves(v any) []string {
	switch v := v.(type) {
	case map[string]any:
		var out []string
		for _, c := range v {
			out = append(out, leaves(c)...)
		}
		return out
	case []any:
		var out []string
		for _, c := range v {
			out = append(out, leaves(c)...)
		}
		return out
	case string:
		return []string{v}
	case json.Number:
		return []string{v.String()}
	}
	return nil
}

// maskLeaves replaces every non-empty string and every number in v by Mask.
func maskLeaves(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, c := range v {
			out[k] = maskLeaves(c)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, c := range v {
			out[i] = maskLeaves(c)
		}
		return out
	case string:
		if v == "" {
			return v
		}
		return Mask
	case json.Number:
		return Mask
	}
	return v
}
