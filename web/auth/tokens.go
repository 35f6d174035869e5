package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
)

// Token is an API token as it is listed: never the token itself, which
// only its creator saw once.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	UserEmail  string     `json:"user_email"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

const tokenColumns = `t.id, t.user_id, u.email AS user_email, t.name, t.created_at, t.last_used_at, t.expires_at, t.revoked_at`

// IssueToken makes an API token named name for a user, for the actor (0:
// the system), expiring at expires (zero: never), audited as
// token.create. It returns the token, shown this once (only its hash is
// stored), and its listing.
func (s *Store) IssueToken(ctx context.Context, actor, userID int64, name string, expires time.Time) (string, Token, error) {
	name = strings.TrimSpace(name)
	var bad []error
	if name == "" || len([]rune(name)) > 100 {
		bad = append(bad, channels.Invalid("name", "people.error.token_name", "a token's name has 1 to 100 characters"))
	}
	var exp *time.Time
	if !expires.IsZero() {
		if !expires.After(time.Now()) {
			bad = append(bad, channels.Invalid("expires", "people.error.expires", "a token expires in the future"))
		}
		exp = &expires
	}
	if len(bad) > 0 {
		return "", Token{}, fmt.Errorf("auth: create token: %w", errors.Join(bad...))
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", Token{}, fmt.Errorf("auth: token: %w", err)
	}
	token := "peyk_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	sum := sha256.Sum256([]byte(token))
	var t Token
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `WITH t AS (INSERT INTO api_tokens (user_id, name, token_hash, expires_at)
			VALUES ($1, $2, $3, $4) RETURNING *)
			SELECT `+tokenColumns+` FROM t JOIN users u ON u.id = t.user_id`, userID, name, sum[:], exp)
		var err error
		if t, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Token]); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "token.create", SubjectType: "user", SubjectID: userID,
			Data: map[string]any{"token_id": t.ID, "name": name, "expires_at": exp}})
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return "", Token{}, fmt.Errorf("auth: user %d: %w", userID, crm.ErrNotFound)
	}
	if err != nil {
		return "", Token{}, fmt.Errorf("auth: create token: %w", err)
	}
	return token, t, nil
}

// Tokens lists the API tokens of a user (every user's when userID is 0),
// newest first, revoked and expired ones included.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE $1 = 0 OR t.user_id = $1 ORDER BY t.id DESC`, userID)
	ts, err := pgx.CollectRows(rows, pgx.RowToStructByName[Token])
	if err != nil {
		return nil, fmt.Errorf("auth: tokens: %w", err)
	}
	if ts == nil {
		ts = []Token{}
	}
	return ts, nil
}

// RevokeToken revokes token id for the actor, audited as token.revoke.
// When owner is not 0 the token must be theirs (an agent revoking their
// own): another's is crm.ErrNotFound, as is an unknown id. A token revoked
// before keeps its first revocation time.
func (s *Store) RevokeToken(ctx context.Context, actor, owner, id int64) (Token, error) {
	var t Token
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `WITH t AS (UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
			WHERE id = $1 AND ($2 = 0 OR user_id = $2) RETURNING *)
			SELECT `+tokenColumns+` FROM t JOIN users u ON u.id = t.user_id`, id, owner)
		var err error
		if t, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Token]); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "token.revoke", SubjectType: "user", SubjectID: t.UserID,
			Data: map[string]any{"token_id": t.ID, "name": t.Name}})
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, fmt.Errorf("auth: token %d: %w", id, crm.ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("auth: revoke token %d: %w", id, err)
	}
	return t, nil
}

// AuditLog returns a page of the audit log (audit.List on this store's
// database), for the admins' log page and API.
func (s *Store) AuditLog(ctx context.Context, q audit.Query) (audit.Page, error) {
	return audit.List(ctx, s.pool, q)
}
