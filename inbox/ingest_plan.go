package inbox

import (
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
)

type extKey struct {
	channel int64
	ext     string
}

type chatKey struct{ contact, channel int64 }

// conv is what threading needs to know of a conversation.
type conv struct {
	id         int64
	contact    int64
	status     string
	resolvedAt *time.Time
}

// newConv is a conversation the plan creates.
type newConv struct {
	conv
	channel int64
	subject string
	token   string
	created time.Time
	history bool // holds Inbound.History mail: resolved, no audited resolve
}

// plan is the work of one group-commit transaction.
type plan struct {
	cfg   Config
	now   time.Time
	items []*item
	reqOf []*request
	res   *crm.Resolution

	existing map[extKey]bool
	// sameMsgID holds the external ids stored in a channel for the
	// Message-ID of an email in the group (extKey.ext is the Message-ID).
	sameMsgID map[extKey][]string
	dup       []bool
	fresh     int // messages that are not duplicates

	byToken map[string]conv
	byMsgID map[string]conv
	byRef   map[int64]conv
	latest  map[chatKey]conv

	convIDs, msgIDs []int64
	convOf          []int64 // conversation per item
	created         []newConv
	isNew           map[int64]bool
}

func newPlan(cfg Config, group []*request) *plan {
	p := &plan{cfg: cfg, now: time.Now().UTC(), existing: make(map[extKey]bool), sameMsgID: make(map[extKey][]string),
		byToken: make(map[string]conv), byMsgID: make(map[string]conv),
		byRef: make(map[int64]conv), latest: make(map[chatKey]conv), isNew: make(map[int64]bool)}
	var groups [][]channels.Identity
	for _, r := range group {
		r.stats = stats{}
		for i := range r.items {
			p.items = append(p.items, &r.items[i])
			p.reqOf = append(p.reqOf, r)
			groups = append(groups, r.items[i].group)
		}
	}
	p.res = crm.NewResolution(groups)
	return p
}

// queueLookups queues the duplicate check and the email threading lookups.
func (p *plan) queueLookups(b *pgx.Batch) {
	chans := make([]int64, len(p.items))
	exts := make([]string, len(p.items))
	var tokens, msgIDs, ownIDs []string
	var refs, ownChans []int64
	for i, it := range p.items {
		chans[i], exts[i] = it.in.ChannelID, it.in.ExternalID
		if it.in.Kind != channels.KindEmail {
			continue
		}
		th := it.in.Thread
		if th.MessageID != "" {
			ownChans, ownIDs = append(ownChans, it.in.ChannelID), append(ownIDs, th.MessageID)
		}
		if th.ReplyToken != "" {
			tokens = append(tokens, th.ReplyToken)
		}
		if th.InReplyTo != "" {
			msgIDs = append(msgIDs, th.InReplyTo)
		}
		msgIDs = append(msgIDs, th.References...)
		if it.ref != 0 {
			refs = append(refs, it.ref)
		}
	}
	// LATERAL … LIMIT 1 keeps the planner on the unique index (see
	// crm.Resolution.QueueLookup).
	b.Queue(`SELECT q.c, q.e FROM unnest($1::bigint[], $2::text[]) AS q(c, e)
		CROSS JOIN LATERAL (SELECT FROM messages WHERE channel_id = q.c AND external_id = q.e LIMIT 1) m`, chans, exts).
		Query(func(rows pgx.Rows) error {
			var k extKey
			_, err := pgx.ForEachRow(rows, []any{&k.channel, &k.ext}, func() error {
				p.existing[k] = true
				return nil
			})
			return err
		})
	if len(ownIDs) > 0 {
		b.Queue(`SELECT q.c, q.m, m.external_id FROM unnest($1::bigint[], $2::text[]) AS q(c, m)
			JOIN messages m ON m.message_id = q.m AND m.channel_id = q.c`, ownChans, ownIDs).
			Query(func(rows pgx.Rows) error {
				var k extKey
				var ext string
				_, err := pgx.ForEachRow(rows, []any{&k.channel, &k.ext, &ext}, func() error {
					if !slices.Contains(p.sameMsgID[k], ext) {
						p.sameMsgID[k] = append(p.sameMsgID[k], ext)
					}
					return nil
				})
				return err
			})
	}
	convQuery := func(sql string, arg any, put func(conv, string, int64)) {
		b.Queue(sql, arg).Query(func(rows pgx.Rows) error {
			var c conv
			var s string
			var n int64
			_, err := pgx.ForEachRow(rows, []any{&c.id, &c.contact, &c.status, &c.resolvedAt, &s, &n}, func() error {
				put(c, s, n)
				return nil
			})
			return err
		})
	}
	if len(tokens) > 0 {
		convQuery(`SELECT id, contact_id, status, resolved_at, reply_token, 0::bigint
			FROM conversations WHERE reply_token = ANY($1)`, tokens,
			func(c conv, token string, _ int64) { p.byToken[token] = c })
	}
	if len(refs) > 0 {
		convQuery(`SELECT id, contact_id, status, resolved_at, '', ref
			FROM conversations WHERE ref = ANY($1)`, refs,
			func(c conv, _ string, ref int64) { p.byRef[ref] = c })
	}
	if len(msgIDs) > 0 {
		convQuery(`SELECT DISTINCT ON (m.message_id) c.id, c.contact_id, c.status, c.resolved_at, m.message_id, 0::bigint
			FROM messages m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.message_id = ANY($1) ORDER BY m.message_id, m.id`, msgIDs,
			func(c conv, msgID string, _ int64) { p.byMsgID[msgID] = c })
	}
}

// markDuplicates flags messages already stored and repeats within the
// group (the first occurrence wins). An email is known by its external id
// (the email channel makes it of the Message-ID and a digest of the raw
// body), and also when the channel holds a message with its Message-ID
// whose external id is the bare Message-ID (mail we sent, and mail stored
// before external ids carried a digest) or one of its Aliases (mail
// stored when the digest was of the parsed content). An email that shares
// its Message-ID with a different mail is kept, and the collision logged.
func (p *plan) markDuplicates() {
	p.dup = make([]bool, len(p.items))
	seen := make(map[extKey]bool)
	firstExt := make(map[extKey]string) // Message-ID in the group → external id
	for i, it := range p.items {
		k := extKey{it.in.ChannelID, it.in.ExternalID}
		if mid := it.in.Thread.MessageID; it.in.Kind == channels.KindEmail && mid != "" && !p.existing[k] && !seen[k] {
			mk := extKey{it.in.ChannelID, mid}
			stored := p.sameMsgID[mk]
			if (slices.Contains(stored, mid) && it.in.ExternalID != mid) ||
				slices.ContainsFunc(it.in.Aliases, func(a string) bool { return slices.Contains(stored, a) }) {
				p.existing[k] = true
			} else if other, ok := firstExt[mk]; len(stored) > 0 || (ok && other != it.in.ExternalID) {
				p.cfg.Logger.Warn("inbox: two different mails share a Message-ID; both are kept",
					"channel_id", it.in.ChannelID, "rfc_message_id", mid, "external_id", it.in.ExternalID)
			}
			if _, ok := firstExt[mk]; !ok {
				firstExt[mk] = it.in.ExternalID
			}
		}
		if p.existing[k] || seen[k] {
			p.dup[i] = true
			p.reqOf[i].stats.duplicate++
			continue
		}
		seen[k] = true
		p.reqOf[i].stats.inserted++
		p.fresh++
	}
}

// queueLatest queues the lookup of each known contact's latest
// conversation on the channel, for chat-style threading.
func (p *plan) queueLatest(b *pgx.Batch) {
	var contacts, chans []int64
	seen := make(map[chatKey]bool)
	for i, it := range p.items {
		c := p.res.Known(i)
		k := chatKey{c, it.in.ChannelID}
		if p.dup[i] || c == 0 || seen[k] {
			continue
		}
		seen[k] = true
		contacts, chans = append(contacts, c), append(chans, it.in.ChannelID)
	}
	if len(contacts) == 0 {
		return
	}
	b.Queue(`SELECT q.ct, q.ch, c.id, c.status, c.resolved_at
		FROM unnest($1::bigint[], $2::bigint[]) AS q(ct, ch)
		CROSS JOIN LATERAL (SELECT id, status, resolved_at FROM conversations
			WHERE contact_id = q.ct AND channel_id = q.ch ORDER BY id DESC LIMIT 1) c`,
		contacts, chans).Query(func(rows pgx.Rows) error {
		var k chatKey
		var c conv
		_, err := pgx.ForEachRow(rows, []any{&k.contact, &k.channel, &c.id, &c.status, &c.resolvedAt}, func() error {
			c.contact = k.contact
			p.latest[k] = c
			return nil
		})
		return err
	})
}
