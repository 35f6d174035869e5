package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/crm"
)

// Session lifetimes: a session ends after SessionIdle without use, and in
// any case SessionMax after it began.
const (
	SessionIdle = 24 * time.Hour
	SessionMax  = 30 * 24 * time.Hour
)

// sessionTouchEvery is how stale last_seen_at may get before a lookup
// writes it (and moves the idle expiry), so that not every request writes.
const sessionTouchEvery = time.Minute

// Session is one signed-in browser. The session id itself is only known to
// the browser (its cookie); the database keeps a hash.
type Session struct {
	ID     int64
	UserID int64
	// CSRF is the synchronizer token every unsafe request made with this
	// session must carry.
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionInfo is what is recorded about the browser that signed in.
type SessionInfo struct {
	UserAgent string
	IP        string
}

// CreateSession starts a session for a user and returns its secret id (for
// the cookie) and the session. It also clears sessions that have expired.
func (s *Store) CreateSession(ctx context.Context, userID int64, info SessionInfo) (string, Session, error) {
	token, err := randomToken()
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", Session{}, err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at < now()`); err != nil {
		return "", Session{}, fmt.Errorf("auth: clear expired sessions: %w", err)
	}
	sum := sha256.Sum256([]byte(token))
	ss := Session{UserID: userID, CSRF: csrf}
	err = s.pool.QueryRow(ctx, `WITH s AS (INSERT INTO sessions (token_hash, user_id, csrf_token, user_agent, ip, expires_at)
			VALUES ($1, $2, $3, left($4, 400), $5, now() + $6 * interval '1 second')
			RETURNING id, created_at, expires_at),
		seen AS (UPDATE users SET last_seen_at = now() WHERE id = $2)
		SELECT id, created_at, expires_at FROM s`,
		sum[:], userID, csrf, info.UserAgent, info.IP, int64(SessionIdle/time.Second)).
		Scan(&ss.ID, &ss.CreatedAt, &ss.ExpiresAt)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return "", Session{}, fmt.Errorf("auth: user %d: %w", userID, crm.ErrNotFound)
	}
	if err != nil {
		return "", Session{}, fmt.Errorf("auth: create session: %w", err)
	}
	return token, ss, nil
}

// SessionByToken returns the active user and the unexpired session a
// session id belongs to, and records its use, which moves the idle expiry
// forward (never past SessionMax after its start). An unknown or expired
// session, or a deactivated user, gives crm.ErrNotFound.
func (s *Store) SessionByToken(ctx context.Context, token string) (User, Session, error) {
	sum := sha256.Sum256([]byte(token))
	var u User
	var ss Session
	err := s.pool.QueryRow(ctx, `WITH found AS (
			SELECT s.id AS sid, s.csrf_token, s.created_at AS started, s.expires_at, s.last_seen_at,
				u.id, u.email, u.name, u.role, u.locale, u.active, u.created_at
			FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active),
		touched AS (
			UPDATE sessions SET last_seen_at = now(),
				expires_at = least(now() + $2 * interval '1 second', created_at + $3 * interval '1 second')
			WHERE id = (SELECT sid FROM found) AND last_seen_at < now() - $4 * interval '1 second'
			RETURNING expires_at),
		seen AS (
			UPDATE users SET last_seen_at = now() WHERE id = (SELECT id FROM found) AND EXISTS (SELECT FROM touched))
		SELECT sid, csrf_token, started, coalesce((SELECT expires_at FROM touched), found.expires_at),
			id, email, name, role, locale, active, created_at
		FROM found`,
		sum[:], int64(SessionIdle/time.Second), int64(SessionMax/time.Second), int64(sessionTouchEvery/time.Second)).
		Scan(&ss.ID, &ss.CSRF, &ss.CreatedAt, &ss.ExpiresAt,
			&u.ID, &u.Email, &u.Name, &u.Role, &u.Locale, &u.Active, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, Session{}, fmt.Errorf("auth: no such session: %w", crm.ErrNotFound)
	}
	if err != nil {
		return User{}, Session{}, fmt.Errorf("auth: session: %w", err)
	}
	ss.UserID = u.ID
	return u, ss, nil
}

// DeleteSession ends the session with that id (logout). Ending a session
// that does not exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	sum := sha256.Sum256([]byte(token))
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, sum[:]); err != nil {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user (after a password change
// or deactivation) and returns how many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("auth: delete sessions of user %d: %w", userID, err)
	}
	return tag.RowsAffected(), nil
}

// randomToken returns 256 random bits, base64url-encoded.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
