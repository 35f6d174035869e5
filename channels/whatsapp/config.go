package whatsapp

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/peykhq/peyk/channels"
)

// Kind is the channel kind of a WhatsApp Business number.
const Kind channels.Kind = "whatsapp"

// Identity is the identity kind of a WhatsApp user: their wa_id, the phone
// number in international form as digits without "+" ("989121234567").
// Inbound messages also carry the same number as a channels.IdentityPhone
// ("+989121234567") so the customer merges with the same phone on SMS or
// Telegram.
const Identity channels.IdentityKind = "whatsapp"

// Defaults of the optional Config fields.
const (
	DefaultBaseURL    = "https://graph.facebook.com"
	DefaultAPIVersion = "v24.0"
	// DefaultMaxFileSize is the largest media file downloaded: WhatsApp
	// carries audio, video and stickers up to 16 MB (documents up to
	// 100 MB, which the operator may allow by raising MaxFileSize).
	DefaultMaxFileSize = 16 << 20
)

// Config is a WhatsApp channel's configuration without its secrets. It is
// stored as the channel's JSON config.
type Config struct {
	// PhoneNumberID is the Cloud API id of the business phone number
	// (WhatsApp Manager → API Setup), not the number itself. Messages go
	// out from it, and webhook notifications for other numbers of the same
	// app are ignored.
	PhoneNumberID string `json:"phone_number_id"`
	// BusinessAccountID is the WhatsApp Business Account (WABA) id, shown
	// to the operator; optional.
	BusinessAccountID string `json:"business_account_id,omitempty"`
	// BaseURL is the Graph API host: DefaultBaseURL, or a test stand-in.
	BaseURL string `json:"base_url,omitempty"`
	// APIVersion is the Graph API version in request paths ("v24.0").
	// Empty means DefaultAPIVersion.
	APIVersion string `json:"api_version,omitempty"`
	// MaxFileSize is the largest media file downloaded, in bytes; larger
	// files are kept as a name and type without content. Zero means
	// DefaultMaxFileSize.
	MaxFileSize int64 `json:"max_file_size,omitempty"`
}

// Secrets are a WhatsApp channel's secrets, kept apart from Config so they
// can be encrypted at rest.
type Secrets struct {
	// AccessToken is a system user's permanent access token with the
	// whatsapp_business_messaging permission, sent as a bearer token.
	AccessToken string `json:"access_token"`
	// AppSecret is the Meta app's secret (App settings → Basic): Meta signs
	// every webhook notification with it (X-Hub-Signature-256).
	AppSecret string `json:"app_secret"`
	// VerifyToken is the string the operator typed as "Verify token" when
	// subscribing the webhook; Meta sends it back to verify the URL.
	VerifyToken string `json:"verify_token"`
}

// WithDefaults returns c with every empty optional field set to its default.
func (c Config) WithDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	c.PhoneNumberID = strings.TrimSpace(c.PhoneNumberID)
	return c
}

var (
	digits  = regexp.MustCompile(`^[0-9]{1,32}$`)
	version = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,3}$`)
)

// Validate reports every problem of c in one error wrapping
// channels.ErrInvalid, or nil when c is usable. PhoneNumberID is
// required; empty optional fields are fine.
func (c Config) Validate() error {
	var errs []string
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Sprintf(format, args...))
	}
	if !digits.MatchString(strings.TrimSpace(c.PhoneNumberID)) {
		bad("phone number id %q is not the numeric id from WhatsApp Manager's API Setup", c.PhoneNumberID)
	}
	if c.BusinessAccountID != "" && !digits.MatchString(c.BusinessAccountID) {
		bad("business account id %q is not numeric", c.BusinessAccountID)
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("base url %q is not an http or https URL", c.BaseURL)
		}
	}
	if c.APIVersion != "" && !version.MatchString(c.APIVersion) {
		bad("api version %q is not like %s", c.APIVersion, DefaultAPIVersion)
	}
	if c.MaxFileSize < 0 {
		bad("max file size %d is negative", c.MaxFileSize)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("whatsapp: config: %s: %w", strings.Join(errs, "; "), channels.ErrInvalid)
}

// Validate reports what is wrong with s in one error wrapping
// channels.ErrInvalid, or nil. All three secrets are required: the access
// token to send, the app secret to check webhook signatures and the
// verify token to answer Meta's verification request.
func (s Secrets) Validate() error {
	var errs []string
	check := func(name, v string) {
		switch {
		case v == "":
			errs = append(errs, name+" is missing")
		case strings.ContainsAny(v, " \t\r\n"):
			errs = append(errs, name+" contains white space")
		}
	}
	check("access token", s.AccessToken)
	check("app secret", s.AppSecret)
	check("verify token", s.VerifyToken)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("whatsapp: secrets: %s: %w", strings.Join(errs, "; "), channels.ErrInvalid)
}
