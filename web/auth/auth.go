// Package auth keeps users (agents and admins), their passwords and their
// API tokens.
package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
)

// Roles a user can have.
const (
	RoleAdmin = "admin"
	RoleAgent = "agent"
)

// MinPassword is the shortest password accepted.
const MinPassword = 8

// Store reads and writes users and tokens.
type Store struct {
	pool *pgxpool.Pool
	cost int
	// dummy is a hash Login compares against when the address is unknown,
	// so that a wrong address takes as long as a wrong password.
	dummy func() []byte
}

// NewStore returns a Store on pool. cost is the bcrypt cost; 0 means
// bcrypt.DefaultCost.
func NewStore(pool *pgxpool.Pool, cost int) *Store {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy := sync.OnceValue(func() []byte {
		h, _ := bcrypt.GenerateFromPassword([]byte("no such user"), cost)
		return h
	})
	return &Store{pool: pool, cost: cost, dummy: dummy}
}

// User is an agent or an admin.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Locale    string    `json:"locale"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

const userColumns = `id, email, name, role, locale, active, created_at`

// NewUser is what CreateUser needs.
type NewUser struct {
	Email, Name, Role, Password, Locale string
	// By is the admin who adds the user, for the audit log; 0 is the
	// system (the command line).
	By int64
}

// CreateUser adds a user and returns it, audited as user.create. It
// fails with crm.ErrConflict when the e-mail address is taken and with
// field errors (crm.ErrInvalid) on bad input.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	var bad []error
	addr, err := mail.ParseAddress(nu.Email)
	if err != nil {
		bad = append(bad, channels.Invalid("email", "people.error.email", fmt.Sprintf("email %q is not an e-mail address", nu.Email)))
	}
	if nu.Role != RoleAdmin && nu.Role != RoleAgent {
		bad = append(bad, channels.Invalid("role", "people.error.role", fmt.Sprintf("role %q (want admin or agent)", nu.Role)))
	}
	if nu.Locale == "" {
		nu.Locale = "fa"
	}
	if nu.Locale != "fa" && nu.Locale != "en" {
		bad = append(bad, channels.Invalid("locale", "people.error.locale", fmt.Sprintf("locale %q (want fa or en)", nu.Locale)))
	}
	if len(nu.Password) < MinPassword {
		bad = append(bad, channels.Invalid("password", "people.error.password",
			fmt.Sprintf("password shorter than %d characters", MinPassword)))
	}
	if len(bad) > 0 {
		return User{}, fmt.Errorf("auth: create user: %w", errors.Join(bad...))
	}
	email := strings.ToLower(addr.Address)
	if nu.Name = strings.TrimSpace(nu.Name); nu.Name == "" {
		nu.Name = email
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(nu.Password), s.cost)
	if err != nil {
		return User{}, fmt.Errorf("auth: hash password: %v: %w", err,
			channels.Invalid("password", "people.error.password", "bcrypt refused the password"))
	}
	var u User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `INSERT INTO users (email, name, role, password_hash, locale)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+userColumns, email, nu.Name, nu.Role, string(hash), nu.Locale)
		var err error
		if u, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User]); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: nu.By, Action: "user.create", SubjectType: "user", SubjectID: u.ID,
			Data: map[string]string{"email": u.Email, "role": u.Role, "locale": u.Locale}})
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return User{}, fmt.Errorf("auth: user %s exists: %w", email, crm.ErrConflict)
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: create user: %w", err)
	}
	return u, nil
}

// UserByEmail returns the user with that e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE email = lower($1)`, strings.TrimSpace(email))
	return oneUser(rows, email)
}

// Login returns the active user whose e-mail and password match. A wrong
// e-mail and a wrong password give the same crm.ErrNotFound.
func (s *Store) Login(ctx context.Context, email, password string) (User, error) {
	var hash string
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id, password_hash FROM users WHERE email = lower($1) AND active`,
		strings.TrimSpace(email)).Scan(&id, &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("auth: login: %w", err)
	}
	if err != nil {
		hash = string(s.dummy()) // same work as for a known address
		id = 0
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || id == 0 {
		return User{}, fmt.Errorf("auth: wrong e-mail or password: %w", crm.ErrNotFound)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	return oneUser(rows, email)
}

func oneUser(rows pgx.Rows, what string) (User, error) {
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("auth: user %s: %w", what, crm.ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: user %s: %w", what, err)
	}
	return u, nil
}

// CreateToken makes an API token for a user, with no expiry, for the
// system (the command line), and returns it. Only its hash is stored: the
// token cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string) (string, error) {
	token, _, err := s.IssueToken(ctx, 0, userID, name, time.Time{})
	return token, err
}

// UserByToken returns the active user an unrevoked, unexpired API token
// belongs to, and records its use.
func (s *Store) UserByToken(ctx context.Context, token string) (User, error) {
	sum := sha256.Sum256([]byte(token))
	// last_used_at is written at most once a minute, so that a busy
	// client's calls are reads, not a commit each.
	rows, _ := s.pool.Query(ctx, `WITH t AS (
			SELECT t.id, t.last_used_at, u.id AS uid, u.email, u.name, u.role, u.locale, u.active, u.created_at
			FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = $1 AND u.active AND t.revoked_at IS NULL
				AND (t.expires_at IS NULL OR t.expires_at > now())),
		touched AS (
			UPDATE api_tokens SET last_used_at = now() FROM t
			WHERE api_tokens.id = t.id AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'))
		SELECT uid AS id, email, name, role, locale, active, created_at FROM t`, sum[:])
	return oneUser(rows, "with that token")
}
