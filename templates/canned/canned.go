// Package canned keeps the canned responses: ready answers, with a human
// title, in Persian and English, that agents insert into their replies.
// Administrators manage them (the settings page, the API and `peyk
// canned`); agents are offered each in the contact's language, falling
// back to their own.
package canned

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox/audit"
	"github.com/peykhq/peyk/templates"
)

// Limits on a response.
const (
	maxTitle = 120
	maxBody  = 8 << 10
)

// Response is one canned response.
type Response struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	BodyFa   string `json:"body_fa"`
	BodyEn   string `json:"body_en"`
	Shortcut string `json:"shortcut"` // "" when it has none
	// UpdatedAt is when it was last saved.
	UpdatedAt time.Time `json:"updated_at"`
}

// Offer is a canned response as an agent is offered it: the text in one
// language.
type Offer struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Shortcut string `json:"shortcut"`
	Locale   string `json:"locale"`
	Text     string `json:"text"`
}

// Store reads and writes canned responses in PostgreSQL.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

const columns = `id, title, body_fa, body_en, coalesce(shortcut, '') AS shortcut, updated_at`

// List returns every canned response, by title.
func (s *Store) List(ctx context.Context) ([]Response, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM canned_responses ORDER BY lower(title), id`)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[Response])
	if err != nil {
		return nil, fmt.Errorf("canned: list: %w", err)
	}
	return out, nil
}

// Get returns the canned response id, or templates.ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (Response, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM canned_responses WHERE id = $1`, id)
	r, err := pgx.CollectOneRow(rows, pgx.RowToStructByNameLax[Response])
	if errors.Is(err, pgx.ErrNoRows) {
		return Response{}, fmt.Errorf("canned: %d: %w", id, templates.ErrNotFound)
	}
	if err != nil {
		return Response{}, fmt.Errorf("canned: get %d: %w", id, err)
	}
	return r, nil
}

// For returns the canned responses offered to an agent writing to a
// contact: each in the contact's language (contactLocale, "fa-IR" counts
// as fa), else in the agent's, else in the one it has.
func (s *Store) For(ctx context.Context, contactLocale, agentLocale string) ([]Offer, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Offer, 0, len(all))
	for _, r := range all {
		out = append(out, r.Offer(contactLocale, agentLocale))
	}
	return out, nil
}

// Offer returns r as offered to an agent (agentLocale) writing to a
// contact (contactLocale): in the contact's language, else the agent's,
// else the one r has.
func (r Response) Offer(contactLocale, agentLocale string) Offer {
	agent := templates.Match(agentLocale, templates.Persian)
	want := templates.Match(contactLocale, agent)
	o := Offer{ID: r.ID, Title: r.Title, Shortcut: r.Shortcut}
	for _, l := range []string{want, agent, templates.Persian, templates.English} {
		if text := r.body(l); text != "" {
			o.Locale, o.Text = l, text
			break
		}
	}
	return o
}

func (r Response) body(locale string) string {
	if locale == templates.English {
		return r.BodyEn
	}
	return r.BodyFa
}

var shortcutPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// clean trims r and checks it, one channels.FieldError per field at
// fault, joined.
func (r *Response) clean() error {
	r.Title = strings.TrimSpace(r.Title)
	r.BodyFa, r.BodyEn = strings.TrimSpace(r.BodyFa), strings.TrimSpace(r.BodyEn)
	r.Shortcut = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(r.Shortcut), "/"))
	var errs []error
	switch {
	case r.Title == "":
		errs = append(errs, channels.Invalid("title", "error.required", "a title is required"))
	case utf8.RuneCountInString(r.Title) > maxTitle:
		errs = append(errs, channels.Invalid("title", "canned.error.long", fmt.Sprintf("at most %d characters", maxTitle)))
	}
	if r.BodyFa == "" && r.BodyEn == "" {
		errs = append(errs, channels.Invalid("body_fa", "canned.error.nobody", "write the text in Persian, English or both"))
	}
	for f, b := range map[string]string{"body_fa": r.BodyFa, "body_en": r.BodyEn} {
		if len(b) > maxBody || !utf8.ValidString(b) {
			errs = append(errs, channels.Invalid(f, "canned.error.long", fmt.Sprintf("at most %d bytes of UTF-8", maxBody)))
		}
	}
	if r.Shortcut != "" && !shortcutPattern.MatchString(r.Shortcut) {
		errs = append(errs, channels.Invalid("shortcut", "canned.error.shortcut", "a shortcut is up to 32 of a-z, 0-9, _ and -"))
	}
	return errors.Join(errs...)
}

// Create adds r (its ID is ignored) and returns it as stored; actor is
// the user who did it, recorded in the audit log.
func (s *Store) Create(ctx context.Context, actor int64, r Response) (Response, error) {
	if err := r.clean(); err != nil {
		return Response{}, err
	}
	r.ID = 0 // $1 of the statement, which only new rows satisfy
	return s.write(ctx, actor, "canned.create", r, `INSERT INTO canned_responses (title, body_fa, body_en, shortcut, updated_by)
		SELECT $2, $3, $4, nullif($5, ''), nullif($6::bigint, 0) WHERE $1::bigint = 0 RETURNING `+columns)
}

// Update replaces the title, texts and shortcut of the response r.ID.
func (s *Store) Update(ctx context.Context, actor int64, r Response) (Response, error) {
	if err := r.clean(); err != nil {
		return Response{}, err
	}
	return s.write(ctx, actor, "canned.update", r, `UPDATE canned_responses SET title = $2, body_fa = $3, body_en = $4,
		shortcut = nullif($5, ''), updated_by = nullif($6::bigint, 0), updated_at = now() WHERE id = $1 RETURNING `+columns)
}

// write runs an insert or update of r and its audit event in one
// transaction.
func (s *Store) write(ctx context.Context, actor int64, action string, r Response, sql string) (Response, error) {
	var out Response
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, sql, r.ID, r.Title, r.BodyFa, r.BodyEn, r.Shortcut, actor)
		var err error
		out, err = pgx.CollectOneRow(rows, pgx.RowToStructByNameLax[Response])
		var pgErr *pgconn.PgError
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("canned: %d: %w", r.ID, templates.ErrNotFound)
		case errors.As(err, &pgErr) && pgErr.Code == "23505": // unique_violation: the shortcut
			return channels.Invalid("shortcut", "canned.error.taken", "another canned response has this shortcut")
		case err != nil:
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: action, SubjectType: audit.SubjectCanned,
			SubjectID: out.ID, Data: map[string]string{"title": out.Title}})
	})
	if err != nil {
		return Response{}, fmt.Errorf("canned: %s: %w", action, err)
	}
	return out, nil
}

// Delete removes the response id.
func (s *Store) Delete(ctx context.Context, actor int64, id int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var title string
		err := tx.QueryRow(ctx, `DELETE FROM canned_responses WHERE id = $1 RETURNING title`, id).Scan(&title)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%d: %w", id, templates.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "canned.delete", SubjectType: audit.SubjectCanned,
			SubjectID: id, Data: map[string]string{"title": title}})
	})
	if err != nil {
		return fmt.Errorf("canned: delete: %w", err)
	}
	return nil
}
