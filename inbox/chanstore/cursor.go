package chanstore

import (
	"context"
	"fmt"
)

// SetCursor stores a channel's cursor on its own, for receivers whose last
// batch held no new message (only edits or reports). Ingest moves the
// cursor in the transaction of the messages it covers.
func (s *Store) SetCursor(ctx context.Context, channelID int64, cursor string) error {
	ct, err := s.pool.Exec(ctx, `UPDATE channels SET cursor = $2 WHERE id = $1`, channelID, cursor)
	if err != nil {
		return fmt.Errorf("chanstore: set cursor of channel %d: %w", channelID, err)
	}
	if ct.RowsAffected() == 0 {
		return fmt.Errorf("chanstore: channel %d: %w", channelID, ErrNotFound)
	}
	return nil
}
