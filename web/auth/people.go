package auth

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/audit"
)

// Person is a user as the people page lists them: with their
// availability and when a browser of theirs was last seen.
type Person struct {
	User
	Available  bool       `json:"available"`
	LastSeenAt *time.Time `json:"last_seen_at"`
}

// People returns every user, the active ones first, by name.
func (s *Store) People(ctx context.Context) ([]Person, error) {
	rows, _ := s.pool.Query(ctx, `SELECT u.id, u.email, u.name, u.role, u.locale, u.active, u.created_at, u.available, u.last_seen_at
		FROM users u ORDER BY u.active DESC, u.name, u.id`)
	ps, err := pgx.CollectRows(rows, pgx.RowToStructByName[Person])
	if err != nil {
		return nil, fmt.Errorf("auth: people: %w", err)
	}
	return ps, nil
}

// UserByID returns the user with that id.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	return oneUser(rows, fmt.Sprint(id))
}

// Change is what UpdateUser changes; nil fields stay as they are.
type Change struct {
	Name, Role, Locale *string
}

// UpdateUser changes a user's name, role and language for the admin
// actor, audited as user.update. The last active admin cannot stop being
// one.
func (s *Store) UpdateUser(ctx context.Context, actor, id int64, c Change) (User, error) {
	var bad []error
	if c.Name != nil {
		if n := strings.TrimSpace(*c.Name); n == "" || len([]rune(n)) > 200 {
			bad = append(bad, channels.Invalid("name", "people.error.name", "a name has 1 to 200 characters"))
		} else {
			c.Name = &n
		}
	}
	if c.Role != nil && *c.Role != RoleAdmin && *c.Role != RoleAgent {
		bad = append(bad, channels.Invalid("role", "people.error.role", fmt.Sprintf("role %q (want admin or agent)", *c.Role)))
	}
	if c.Locale != nil && *c.Locale != "fa" && *c.Locale != "en" {
		bad = append(bad, channels.Invalid("locale", "people.error.locale", fmt.Sprintf("locale %q (want fa or en)", *c.Locale)))
	}
	if len(bad) > 0 {
		return User{}, fmt.Errorf("auth: update user %d: %w", id, errors.Join(bad...))
	}
	var u User
	err := s.change(ctx, id, func(tx pgx.Tx, before User) error {
		if c.Role != nil && *c.Role != RoleAdmin && before.Role == RoleAdmin && before.Active {
			if err := lastAdmin(ctx, tx, id, "role"); err != nil {
				return err
			}
		}
		rows, _ := tx.Query(ctx, `UPDATE users SET name = coalesce($2, name), role = coalesce($3, role),
			locale = coalesce($4, locale) WHERE id = $1 RETURNING `+userColumns, id, c.Name, c.Role, c.Locale)
		var err error
		if u, err = oneUser(rows, fmt.Sprint(id)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "user.update", SubjectType: "user", SubjectID: id,
			Data: changed(before, u)})
	})
	return u, err
}

// changed lists the fields that differ between a user before and after,
// as {"role": ["agent", "admin"]}.
func changed(a, b User) map[string][2]string {
	out := map[string][2]string{}
	for _, f := range []struct{ name, a, b string }{{"name", a.Name, b.Name}, {"role", a.Role, b.Role}, {"locale", a.Locale, b.Locale}} {
		if f.a != f.b {
			out[f.name] = [2]string{f.a, f.b}
		}
	}
	return out
}

// SetActive deactivates (active false) or reactivates a user for the
// actor. Deactivation ends every session of the user and revokes every
// API token in the same transaction, and tells the event streams of the
// user to end; tokens stay revoked after reactivation. Nobody deactivates
// themselves, and the last active admin stays.
func (s *Store) SetActive(ctx context.Context, actor, id int64, active bool) (User, error) {
	if !active && actor == id {
		return User{}, fmt.Errorf("auth: deactivate user %d: %w", id,
			channels.Invalid("active", "people.error.self", "you cannot deactivate yourself"))
	}
	var u User
	err := s.change(ctx, id, func(tx pgx.Tx, before User) error {
		if !active && before.Role == RoleAdmin && before.Active {
			if err := lastAdmin(ctx, tx, id, "active"); err != nil {
				return err
			}
		}
		rows, _ := tx.Query(ctx, `UPDATE users SET active = $2 WHERE id = $1 RETURNING `+userColumns, id, active)
		var err error
		if u, err = oneUser(rows, fmt.Sprint(id)); err != nil {
			return err
		}
		if active {
			return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "user.activate", SubjectType: "user", SubjectID: id})
		}
		sessions, tokens, err := revokeAll(ctx, tx, id, true)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "user.deactivate", SubjectType: "user", SubjectID: id,
			Data: map[string]int64{"sessions_ended": sessions, "tokens_revoked": tokens}})
	})
	return u, err
}

// ResetPassword sets a user's password for the actor and ends every
// session of the user (API tokens stay), audited as user.password_reset
// (without the password).
func (s *Store) ResetPassword(ctx context.Context, actor, id int64, password string) (User, error) {
	if len(password) < MinPassword {
		return User{}, fmt.Errorf("auth: reset password of %d: %w", id, channels.Invalid("password", "people.error.password",
			fmt.Sprintf("a password has at least %d characters", MinPassword)))
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return User{}, fmt.Errorf("auth: hash password: %v: %w", err,
			channels.Invalid("password", "people.error.password", "bcrypt refused the password"))
	}
	var u User
	err = s.change(ctx, id, func(tx pgx.Tx, before User) error {
		rows, _ := tx.Query(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING `+userColumns, id, string(hash))
		var err error
		if u, err = oneUser(rows, fmt.Sprint(id)); err != nil {
			return err
		}
		sessions, _, err := revokeAll(ctx, tx, id, false)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "user.password_reset", SubjectType: "user", SubjectID: id,
			Data: map[string]int64{"sessions_ended": sessions}})
	})
	return u, err
}

// change runs fn in a transaction with the user id as it was, locked.
func (s *Store) change(ctx context.Context, id int64, fn func(tx pgx.Tx, before User) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 FOR UPDATE`, id)
		before, err := oneUser(rows, fmt.Sprint(id))
		if err != nil {
			return err
		}
		return fn(tx, before)
	})
	if err != nil {
		return fmt.Errorf("auth: change user %d: %w", id, err)
	}
	return nil
}

// lastAdmin fails when no other active admin than id is left (field is
// the form field the change came from). The admins are locked, so that
// two admins demoting each other at once cannot both succeed.
func lastAdmin(ctx context.Context, tx pgx.Tx, id int64, field string) error {
	var others int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT id FROM users
		WHERE role = 'admin' AND active AND id <> $1 FOR UPDATE) a`, id).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return channels.Invalid(field, "people.error.last_admin", "the last active admin must stay an active admin")
	}
	return nil
}

// SignedOut is the type of the event (on inbox.NotifyChannel) that tells
// every process to end the event streams of a user whose sessions ended.
const SignedOut = "user.signed_out"

// revokeAll ends a user's sessions (and, with tokens, revokes their API
// tokens) in tx, queues the SignedOut event and returns how many of each
// there were.
func revokeAll(ctx context.Context, tx pgx.Tx, id int64, tokens bool) (int64, int64, error) {
	tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
	if err != nil {
		return 0, 0, err
	}
	var revoked int64
	if tokens {
		t, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id)
		if err != nil {
			return 0, 0, err
		}
		revoked = t.RowsAffected()
	}
	payload, _ := json.Marshal(map[string]any{"type": SignedOut, "user_id": id})
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, inbox.NotifyChannel, string(payload)); err != nil {
		return 0, 0, err
	}
	return tag.RowsAffected(), revoked, nil
}

// GeneratePassword returns a new random password of 16 letters and
// digits (about 95 bits), for an admin to hand over once.
func GeneratePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}
