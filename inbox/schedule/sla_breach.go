package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/inbox/audit"
)

// handle does what a breach does, in its transaction: the reassignment
// to next (when not nil), the notifications, the audit event and the
// timeline entry.
func (bk *Book) handle(ctx context.Context, tx pgx.Tx, c breachCandidate, kind string, ref int64,
	assignee, team, next *int64, nextName string, due time.Time) error {
	what := "first response"
	if kind == "next" {
		what = "next response"
	}
	text := fmt.Sprintf("SLA breached: no %s by %s", what, due.UTC().Format(time.RFC3339))
	say := &Text{Key: TextSLABreach, Args: map[string]string{"due_at": due.UTC().Format(time.RFC3339)}}
	if kind == "next" {
		say.Key = TextSLANextBreach
	}
	b := &pgx.Batch{}
	if next != nil {
		text += "; reassigned to " + nextName
		say.Key, say.Args["name"] = TextSLAReassigned, nextName
		if kind == "next" {
			say.Key = TextSLANextReassigned
		}
		b.Queue(`UPDATE conversations SET assignee_id = $2, updated_at = now() WHERE id = $1`, c.conv, *next)
		b.Queue(`UPDATE sla_policies SET last_assigned_user_id = $2 WHERE id = $1`, c.policy.ID, *next)
		b.Queue(`UPDATE sla_breaches SET to_user_id = $3 WHERE conversation_id = $1 AND waiting_since = $2`,
			c.conv, c.waitingSince, *next)
		b.Queue(`INSERT INTO notifications (user_id, conversation_id, kind, body) VALUES ($1, $2, 'sla', $3)`,
			*next, c.conv, fmt.Sprintf("Conversation #%d was reassigned to you: its %s is overdue", ref, what))
	}
	if c.policy.Notify {
		// The assignee, else the team's active members, else the admins.
		b.Queue(`WITH who AS (
				SELECT 1 AS rank, id FROM users WHERE id = $1 AND active
				UNION ALL SELECT 2, m.user_id FROM team_members m JOIN users u ON u.id = m.user_id AND u.active
					WHERE m.team_id = $2 AND m.user_id IS DISTINCT FROM $5
				UNION ALL SELECT 3, id FROM users WHERE role = 'admin' AND active AND id IS DISTINCT FROM $5)
			INSERT INTO notifications (user_id, conversation_id, kind, body)
			SELECT id, $3, 'sla', $4 FROM who WHERE rank = (SELECT min(rank) FROM who) ORDER BY id`,
			assignee, team, c.conv, fmt.Sprintf("Conversation #%d breached its SLA: %s", ref, text), next)
	}
	b.Queue(`INSERT INTO audit_events (action, subject_type, subject_id, data)
		VALUES ($1, $2, $3, $4)`, audit.ActionSLABreach, audit.SubjectConversation, c.conv,
		audit.SLABreach{PolicyID: c.policy.ID, Kind: kind, DueAt: due, FromUserID: assignee, ToUserID: next})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if err := bk.convs.Changed(ctx, tx, c.conv); err != nil {
		return err
	}
	return bk.convs.Note(ctx, tx, c.conv, text, say)
}
