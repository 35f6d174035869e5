// Package whatsapp is the WhatsApp channel: one business phone number on
// Meta's WhatsApp Business Cloud API (the Graph API), spoken directly over
// HTTPS with the standard library.
//
// Customers' messages arrive by webhook: Webhook answers Meta's
// verification request (hub.challenge), checks the X-Hub-Signature-256
// HMAC of every notification, and turns each message into a
// channels.Inbound (Parse) and each delivery status into a
// channels.Update. Text, images, video, audio, documents, stickers,
// locations, shared contacts, button and list replies, reactions and
// system notices are stored; anything else is stored as a note of what
// arrived, never dropped.
//
// A Client, made by New, sends agent replies (text, split at 4096
// characters, optionally answering a message) and approved templates, and
// downloads media. WhatsApp allows free-form messages only within 24 hours
// of the customer's last message (Window); outside that window only a
// template may be sent, and Send refuses free text with an error wrapping
// ErrWindowClosed.
//
// The package imports only channels and the standard library.
package whatsapp
