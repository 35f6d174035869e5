package crm

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Search finds live (not merged) contacts whose name or any identity
// contains q. Matching folds Persian and Arabic letters and digits and
// ignores zero-width non-joiners; a phone-like query matches numbers
// whatever their prefix (0912…, +98912…). Results come best first.
func (s *Store) Search(ctx context.Context, q string, limit int) ([]Contact, error) {
	name, ident := SearchKeys(q)
	if name == "" {
		return nil, fmt.Errorf("crm: search: empty query: %w", ErrInvalid)
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, _ := s.pool.Query(ctx, `WITH hits AS (
			SELECT id FROM contacts WHERE name_fold LIKE $1
			UNION SELECT contact_id FROM contact_identities WHERE value LIKE $2)
		SELECT `+contactColumns+` FROM contacts JOIN hits USING (id)
		WHERE merged_into IS NULL
		ORDER BY (name_fold = $3) DESC, (name_fold LIKE $4) DESC, id DESC
		LIMIT $5`, "%"+likeEscape(name)+"%", "%"+likeEscape(ident)+"%", name, likeEscape(name)+"%", limit)
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[Contact])
	if err != nil {
		return nil, fmt.Errorf("crm: search: %w", err)
	}
	return cs, nil
}

// SearchKeys returns what a search for q compares: name, the folded query
// that contacts' name_fold contains, and ident, what identity values
// contain (the phone digits without their varying prefix when q is
// phone-like, else name). Both are "" for a blank query.
func SearchKeys(q string) (name, ident string) {
	name = Fold(q)
	ident = name
	if p := phoneQuery(name); p != "" {
		ident = p
	}
	return name, ident
}

// LikeEscape escapes LIKE's wildcards in s, so that s matches literally.
func LikeEscape(s string) string { return likeEscape(s) }

// phoneQuery returns the digits of a phone-like query without the leading
// zeros and country prefix that vary between forms, or "" when q is not
// phone-like.
func phoneQuery(q string) string {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" +-().", r):
		default:
			return ""
		}
	}
	d := b.String()
	if len(d) < 4 {
		return ""
	}
	if strings.HasPrefix(d, "0098") {
		d = d[4:]
	} else if strings.HasPrefix(d, "98") && len(d) == 12 {
		d = d[2:]
	}
	return strings.TrimLeft(d, "0")
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
