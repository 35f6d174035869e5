package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Tag adds and removes tags of a contact. Tags are trimmed and
// lower-cased; empty ones are ignored.
func (s *Store) Tag(ctx context.Context, id int64, add, remove []string) error {
	return s.exec(ctx, id, `UPDATE contacts SET
		tags = ARRAY(SELECT DISTINCT t FROM unnest(tags || $2::text[]) t
			WHERE t <> ALL($3::text[]) ORDER BY t),
		updated_at = now() WHERE id = $1`, id, CleanTags(add), CleanTags(remove))
}

// CleanTags trims, lower-cases and de-duplicates tags, dropping empty ones
// and invalid UTF-8.
func CleanTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool)
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(strings.ToValidUTF8(t, "")))
		if t == "" || seen[t] || utf8.RuneCountInString(t) > 64 {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// SetAttributes applies a JSON merge patch to a contact's custom
// attributes: keys with a null value are removed, others are set.
func (s *Store) SetAttributes(ctx context.Context, id int64, patch map[string]any) error {
	set := make(map[string]any)
	del := []string{} // not nil: pgx sends a nil slice as NULL, and jsonb - NULL is NULL
	for k, v := range patch {
		if k == "" {
			return fmt.Errorf("crm: attribute with an empty name: %w", ErrInvalid)
		}
		if v == nil {
			del = append(del, k)
		} else {
			set[k] = v
		}
	}
	js, err := json.Marshal(set)
	if err != nil {
		return fmt.Errorf("crm: attributes: %v: %w", err, ErrInvalid)
	}
	return s.exec(ctx, id, `UPDATE contacts SET attributes = (attributes || $2::jsonb) - $3::text[],
		updated_at = now() WHERE id = $1`, id, js, del)
}
