package channels

import (
	"fmt"
	"slices"
)

// Registry is the channel kinds of one build: one Driver per kind. It is
// built once (in cmd/peyk) and passed to whatever needs to know the kinds;
// adding a kind is its package plus one Driver in the list given to
// NewRegistry. A Registry is read-only and safe for concurrent use.
type Registry struct {
	drivers []*Driver
	ids     map[IdentityKind]IdentitySpec
}

// NewRegistry returns the registry of drivers. Two drivers of one kind,
// or a driver without a kind, are an error; an identity kind declared by
// several drivers (phone, by SMS, phone and Telegram) is taken from the
// first that gives it a normalizer.
func NewRegistry(drivers ...Driver) (*Registry, error) {
	r := &Registry{ids: make(map[IdentityKind]IdentitySpec)}
	for i := range drivers {
		d := &drivers[i]
		if d.Kind == "" {
			return nil, fmt.Errorf("channels: registry: driver %d has no kind", i)
		}
		if _, ok := r.Driver(d.Kind); ok {
			return nil, fmt.Errorf("channels: registry: two drivers of kind %q", d.Kind)
		}
		if d.Reaches != "" && !slices.ContainsFunc(d.Identities, func(s IdentitySpec) bool { return s.Kind == d.Reaches }) {
			return nil, fmt.Errorf("channels: registry: %s reaches %q but does not declare it", d.Kind, d.Reaches)
		}
		r.drivers = append(r.drivers, d)
		for _, s := range d.Identities {
			if old, ok := r.ids[s.Kind]; !ok || old.Normalize == nil {
				r.ids[s.Kind] = s
			}
		}
	}
	return r, nil
}

// Driver returns the driver of kind k.
func (r *Registry) Driver(k Kind) (*Driver, bool) {
	if r == nil {
		return nil, false
	}
	for _, d := range r.drivers {
		if d.Kind == k {
			return d, true
		}
	}
	return nil, false
}

// Kinds lists the kinds of the registry, in the order they were given.
func (r *Registry) Kinds() []Kind {
	if r == nil {
		return nil
	}
	out := make([]Kind, len(r.drivers))
	for i, d := range r.drivers {
		out[i] = d.Kind
	}
	return out
}

// Identity returns the declaration of identity kind k.
func (r *Registry) Identity(k IdentityKind) (IdentitySpec, bool) {
	if r == nil {
		return IdentitySpec{}, false
	}
	s, ok := r.ids[k]
	return s, ok
}

// Reaches returns the identity kind a reply through a channel of kind k
// goes to, and reports whether the kind can send.
//
// A nil Registry (what tests that build no drivers pass to the inbox and
// the web) answers for the kinds Peyk began with that can send, so that code
// written before the registry keeps working; every driver built in
// cmd/peyk declares its own.
func (r *Registry) Reaches(k Kind) (IdentityKind, bool) {
	if r == nil {
		id, ok := legacyReach[k]
		return id, ok
	}
	d, ok := r.Driver(k)
	if !ok || d.Reaches == "" || d.Sender == nil {
		return "", false
	}
	return d.Reaches, true
}

// legacyReach is what a nil Registry answers Reaches with.
var legacyReach = map[Kind]IdentityKind{Email: IdentityEmail, SMS: IdentityPhone, Telegram: IdentityTelegram}

// Label returns the label of channel kind or identity kind name, in
// Persian when fa is set, and reports whether the registry knows it.
func (r *Registry) Label(name string, fa bool) (string, bool) {
	if d, ok := r.Driver(Kind(name)); ok && d.Label.En != "" {
		return d.Label.In(fa), true
	}
	if s, ok := r.Identity(IdentityKind(name)); ok && s.Label.En != "" {
		return s.Label.In(fa), true
	}
	return "", false
}
