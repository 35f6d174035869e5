// Package bale is the Bale (بله) channel kind. Bale's Bot API follows
// Telegram's (https://tapi.bale.ai/bot<token>/<method>, the same replies,
// updates and methods: getMe, getUpdates, setWebhook, sendMessage,
// sendPhoto, sendDocument, getFile, contact sharing), so the kind is the
// Telegram adapter pointed at Bale's server, with two differences: a Bale
// user id is its own identity kind (it is not a Telegram id), and Bale
// documents no secret_token for webhooks, so the webhook secret travels in
// the webhook URL.
package bale

import (
	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram"
)

// Kind is the channel kind of Bale bots.
const Kind channels.Kind = "bale"

// Identity is the identity kind of Bale user ids.
const Identity channels.IdentityKind = "bale"

// APIEndpoint is Bale's public Bot API server.
const APIEndpoint = "https://tapi.bale.ai"

// Driver returns the Bale channel kind: a bot polling getUpdates or taking
// webhooks, receiving text, photos, documents and shared contacts (the
// phone number becomes a phone identity, so the customer merges with their
// SMS and phone records and any Telegram identity that shared the same
// number), and sending text, photos and documents.
func Driver() channels.Driver {
	label := channels.Text{Fa: "بله", En: "Bale"}
	return telegram.NewDriver(telegram.Flavor{
		Kind:        Kind,
		Label:       label,
		Identity:    channels.IdentitySpec{Kind: Identity, Label: label, Normalize: channels.NumericID("bale", "bale:")},
		APIEndpoint: APIEndpoint,
		SecretInURL: true,
	})
}
