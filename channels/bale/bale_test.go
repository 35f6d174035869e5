package bale_test

import (
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/bale"
)

// The Bale kind reaches its own identity kind, normalizes Bale ids, and
// defaults to Bale's server.
func TestDriver(t *testing.T) {
	d := bale.Driver()
	r, err := channels.NewRegistry(d)
	if err != nil {
		t.Fatal(err)
	}
	if to, ok := r.Reaches(bale.Kind); !ok || to != bale.Identity {
		t.Errorf("Reaches = %q, %v", to, ok)
	}
	spec, ok := r.Identity(bale.Identity)
	if !ok || spec.Normalize == nil {
		t.Fatal("no bale identity declared")
	}
	if v, err := spec.Normalize(" bale:۰۰۷۰۰۱ "); v != "7001" || err != nil {
		t.Errorf("Normalize = %q, %v", v, err)
	}
	if _, ok := r.Identity(channels.IdentityPhone); !ok {
		t.Error("a shared contact's phone identity is not declared")
	}
	for _, f := range d.Settings {
		if f.Name == "api_endpoint" && f.Default != bale.APIEndpoint {
			t.Errorf("api_endpoint default %v", f.Default)
		}
	}
	if _, err := d.Check([]byte(`{"token":"1:x","mode":"webhook","webhook_url":"http://insecure"}`)); err == nil {
		t.Error("a plain-HTTP webhook URL accepted")
	}
}
