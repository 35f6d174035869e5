package email

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/peykhq/peyk/channels"
)

// unreadableInbound is the plainest form of a mail, for when the inbox
// refuses what Parse made of it: the raw mail attached, a note saying why,
// an id from its digest and the unknown sender. ChannelID is left zero.
func unreadableInbound(raw []byte, why error) channels.Inbound {
	sum := sha256.Sum256(raw)
	return channels.Inbound{
		ExternalID: "sha256:" + hex.EncodeToString(sum[:]),
		Kind:       channels.KindEmail,
		From:       channels.Identity{Kind: channels.IdentityEmail, Value: UnknownSender, Name: "Unknown sender"},
		Text:       validUTF8(unreadable + "\n\n" + why.Error()),
		Attachments: []channels.Attachment{{
			Name: "original.eml", ContentType: "message/rfc822", Data: raw,
		}},
	}
}
