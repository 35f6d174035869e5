package web

import (
	"net/http"

	"github.com/peykhq/peyk/channels"
)

// ChannelKind is one channel kind as GET /api/v1/channel-kinds and
// `peyk channel kinds --json` show it: what a form needs to add a channel
// of the kind, and what the kind can do.
type ChannelKind struct {
	Kind     channels.Kind     `json:"kind"`
	Label    channels.Text     `json:"label"`
	Settings []channels.Field  `json:"settings"`
	Presets  []channels.Preset `json:"presets"`
	Can      KindAbility       `json:"can"`
}

// KindAbility says which parts a kind has.
type KindAbility struct {
	Send    bool `json:"send"`
	Receive bool `json:"receive"`
	Webhook bool `json:"webhook"`
	Test    bool `json:"test"`
}

// ChannelKinds returns the kinds of registry r in its order.
func ChannelKinds(r *channels.Registry) []ChannelKind {
	out := []ChannelKind{}
	for _, k := range r.Kinds() {
		d, _ := r.Driver(k)
		out = append(out, ChannelKind{Kind: k, Label: d.Label, Settings: nonNil(d.Settings), Presets: nonNil(d.Presets),
			Can: KindAbility{Send: d.Sender != nil, Receive: d.Receiver != nil, Webhook: d.Webhook != nil, Test: d.Tester != nil}})
	}
	return out
}

// nonNil makes a nil slice an empty one, for a JSON [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// listChannelKinds: GET /api/v1/channel-kinds (admins): every channel kind
// of this build, with its settings declarations and presets.
func (s *Server) listChannelKinds(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"kinds": ChannelKinds(s.Kinds)})
}
