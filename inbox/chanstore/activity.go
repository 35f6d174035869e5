package chanstore

import (
	"context"
	"fmt"
	"time"
)

// Activity is what a channel has brought in: its conversations and when
// a customer last wrote through it (zero: never).
type Activity struct {
	Conversations int
	LastInbound   time.Time
}

// Activity returns the activity of every channel that has conversations,
// by channel id (the admin's channel list; the delete confirmation).
func (s *Store) Activity(ctx context.Context) (map[int64]Activity, error) {
	rows, err := s.pool.Query(ctx, `SELECT channel_id, count(*), coalesce(max(last_inbound_at), 'epoch')
		FROM conversations WHERE channel_id IS NOT NULL GROUP BY channel_id`)
	if err != nil {
		return nil, fmt.Errorf("chanstore: channel activity: %w", err)
	}
	defer rows.Close()
	out := map[int64]Activity{}
	for rows.Next() {
		var id int64
		var a Activity
		if err := rows.Scan(&id, &a.Conversations, &a.LastInbound); err != nil {
			return nil, fmt.Errorf("chanstore: channel activity: %w", err)
		}
		if a.LastInbound.Equal(time.Unix(0, 0)) {
			a.LastInbound = time.Time{}
		}
		out[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("chanstore: channel activity: %w", err)
	}
	return out, nil
}
