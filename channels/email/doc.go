// Package email is the email channel: IMAP in (go-imap v2, IDLE with
// polling as the fallback), SMTP out (go-mail) and MIME parsing
// (go-message) into channels.Inbound values.
//
// Parse turns one raw mail into an Inbound (and, for a delivery-status
// report, an Update for the message that bounced). A Receiver keeps one
// mailbox in sync with the inbox, moving the "UIDVALIDITY:UID" cursor only
// through the messages it hands over. A Sender delivers agent replies with
// the threading headers the inbox chose. Test checks a configuration.
//
// The package imports only channels and its SDKs; the inbox and the
// database stay on the other side of the channels contract.
package email
