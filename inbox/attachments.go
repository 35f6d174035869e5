package inbox

import (
	"crypto/sha256"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

// attachmentRows gathers a group's attachments for two bulk inserts: the
// content, stored once per SHA-256, and each message's references to it.
type attachmentRows struct {
	seen                        map[[32]byte]bool
	sums, data                  [][]byte
	sizes                       []int64
	types                       []string
	msg                         []int64
	pos                         []int32
	refSums                     [][]byte
	names, refTypes, cids, urls []string
	refSizes                    []int64
}

func (a *attachmentRows) add(msg int64, atts []attachment) {
	for i, at := range atts {
		var sum []byte
		if len(at.Data) > 0 {
			sum = at.sum[:]
			if a.seen == nil {
				a.seen = make(map[[32]byte]bool)
			}
			if !a.seen[at.sum] {
				a.seen[at.sum] = true
				a.sums, a.data = append(a.sums, sum), append(a.data, at.Data)
				a.sizes, a.types = append(a.sizes, int64(len(at.Data))), append(a.types, at.ContentType)
			}
		}
		a.msg, a.pos, a.refSums = append(a.msg, msg), append(a.pos, int32(i)), append(a.refSums, sum)
		a.names, a.refTypes = append(a.names, at.Name), append(a.refTypes, at.ContentType)
		a.cids, a.urls, a.refSizes = append(a.cids, at.ContentID), append(a.urls, at.URL), append(a.refSizes, int64(len(at.Data)))
	}
}

func (a *attachmentRows) queue(b *pgx.Batch) {
	if len(a.sums) > 0 {
		b.Queue(`INSERT INTO attachments (sha256, size, content_type, data)
			SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::text[], $4::bytea[])
			ON CONFLICT (sha256) DO NOTHING`, a.sums, a.sizes, a.types, a.data)
	}
	if len(a.msg) > 0 {
		b.Queue(`INSERT INTO message_attachments (message_id, position, sha256, name, content_type, content_id, url, size)
			SELECT * FROM unnest($1::bigint[], $2::int[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])`,
			a.msg, a.pos, a.refSums, a.names, a.refTypes, a.cids, a.urls, a.refSizes)
	}
}

// attachment is an attachment ready to store, with its SHA-256.
type attachment struct {
	channels.Attachment
	sum [32]byte
}

// cleanAttachments makes attachment metadata storable and hashes the
// content.
func cleanAttachments(in []channels.Attachment) []attachment {
	var out []attachment
	for _, a := range in {
		a.Name, _ = clean(a.Name, 500)
		a.ContentType, _ = clean(a.ContentType, 200)
		a.ContentID = cleanID(a.ContentID)
		a.URL, _ = clean(a.URL, 2000)
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
		out = append(out, attachment{Attachment: a, sum: sha256.Sum256(a.Data)})
	}
	return out
}
