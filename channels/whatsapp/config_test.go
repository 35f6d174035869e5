package whatsapp

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestConfigValidate reports every problem at once, wrapping
// channels.ErrInvalid.
func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want []string // parts of the error; none means valid
	}{
		{"minimal", Config{PhoneNumberID: "106540352242922"}, nil},
		{"full", Config{PhoneNumberID: "106540352242922", BusinessAccountID: "102290129340398",
			BaseURL: "http://127.0.0.1:8080/", APIVersion: "v23.0", MaxFileSize: 100 << 20}, nil},
		{"no phone number id", Config{}, []string{"phone number id"}},
		{"a phone number instead of its id", Config{PhoneNumberID: "+15550783881"}, []string{"phone number id"}},
		{"everything wrong", Config{PhoneNumberID: "x", BusinessAccountID: "waba", BaseURL: "ftp://graph",
			APIVersion: "24", MaxFileSize: -1},
			[]string{"phone number id", "business account id", "base url", "api version", "max file size"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if len(c.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, channels.ErrInvalid) {
				t.Fatalf("%v does not wrap ErrInvalid", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v does not mention %q", err, w)
				}
			}
		})
	}
}

// TestSecretsValidate requires all three secrets.
func TestSecretsValidate(t *testing.T) {
	if err := testSecrets.Validate(); err != nil {
		t.Fatal(err)
	}
	err := Secrets{AccessToken: "a b"}.Validate()
	for _, w := range []string{"access token contains white space", "app secret is missing", "verify token is missing"} {
		if !errors.Is(err, channels.ErrInvalid) || !strings.Contains(err.Error(), w) {
			t.Errorf("%v does not say %q", err, w)
		}
	}
	if _, err := New(1, Config{PhoneNumberID: "1"}, Secrets{}, nil); !errors.Is(err, channels.ErrInvalid) {
		t.Fatalf("New with no secrets: %v", err)
	}
}

// TestConfigJSON reads the stored JSON keys and fills the defaults.
func TestConfigJSON(t *testing.T) {
	var c Config
	err := json.Unmarshal([]byte(`{"phone_number_id":"106540352242922","business_account_id":"1",
		"base_url":"https://graph.example.com/","api_version":"v23.0","max_file_size":1024}`), &c)
	if err != nil {
		t.Fatal(err)
	}
	c = c.WithDefaults()
	if c != (Config{PhoneNumberID: "106540352242922", BusinessAccountID: "1", BaseURL: "https://graph.example.com",
		APIVersion: "v23.0", MaxFileSize: 1024}) {
		t.Fatalf("%+v", c)
	}
	if d := (Config{}).WithDefaults(); d.BaseURL != DefaultBaseURL || d.APIVersion != "v24.0" || d.MaxFileSize != DefaultMaxFileSize {
		t.Fatalf("defaults %+v", d)
	}
	var s Secrets
	if err := json.Unmarshal([]byte(`{"access_token":"t","app_secret":"a","verify_token":"v"}`), &s); err != nil ||
		s != (Secrets{AccessToken: "t", AppSecret: "a", VerifyToken: "v"}) {
		t.Fatalf("%+v %v", s, err)
	}
}
