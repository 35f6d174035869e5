package templates

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/inbox/audit"
)

// Store keeps template overrides in PostgreSQL over the embedded defaults.
// An override (name, locale, kind) replaces the default with that key; one
// with no default is a custom template.
type Store struct {
	// DefaultLocale is what Render uses for a locale it does not support,
	// such as a contact's empty one; "fa" when empty. Set it before use.
	DefaultLocale string

	pool     *pgxpool.Pool
	defaults map[key]Template
}

// NewStore returns a Store on pool. It panics if the embedded defaults are
// malformed, which the package's tests rule out.
func NewStore(pool *pgxpool.Pool) *Store {
	defaults, err := loadDefaults(defaultFiles)
	if err != nil {
		panic(err)
	}
	return &Store{pool: pool, defaults: defaults}
}

// row is a templates row.
type row struct {
	Name      string    `db:"name"`
	Locale    string    `db:"locale"`
	Kind      string    `db:"kind"`
	Subject   string    `db:"subject"`
	Body      string    `db:"body"`
	HTML      string    `db:"html"`
	UpdatedAt time.Time `db:"updated_at"`
	UpdatedBy int64     `db:"updated_by"`
}

const columns = `name, locale, kind, subject, body, html, updated_at, coalesce(updated_by, 0) AS updated_by`

// template returns r as a Template, with the description of its default.
func (s *Store) template(r row) Template {
	t := Template{Name: r.Name, Locale: r.Locale, Kind: Kind(r.Kind), Subject: r.Subject, Body: r.Body, HTML: r.HTML,
		Overridden: true, UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy}
	d, ok := s.defaults[t.key()]
	t.Description, t.Custom = d.Description, !ok
	return t
}

// Save validates t (see Validate) and stores it as the override of its
// name, locale and kind: its Subject, Body and HTML, with t.UpdatedBy (a
// user id, or 0) as the author. A rejected template gives an *Error, and
// an unknown user an error; both wrap ErrInvalid.
func (s *Store) Save(ctx context.Context, t Template) error {
	if err := Validate(t); err != nil {
		return err
	}
	var by *int64
	if t.UpdatedBy != 0 {
		by = &t.UpdatedBy
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("templates: save %s: %w", t.Name, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	_, err = tx.Exec(ctx, `INSERT INTO templates (name, locale, kind, subject, body, html, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (name, locale, kind) DO UPDATE SET subject = excluded.subject, body = excluded.body,
			html = excluded.html, updated_by = excluded.updated_by, updated_at = now()`,
		t.Name, t.Locale, string(t.Kind), t.Subject, t.Body, t.HTML, by)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation
		return fmt.Errorf("templates: save %s: no user %d: %w", t.Name, t.UpdatedBy, ErrInvalid)
	}
	if err == nil {
		err = audit.Record(ctx, tx, audit.Event{ActorID: t.UpdatedBy, Action: "template.update", SubjectType: "template",
			Data: map[string]string{"name": t.Name, "locale": t.Locale, "kind": string(t.Kind)}})
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		return fmt.Errorf("templates: save %s: %w", t.Name, err)
	}
	return nil
}

// Delete removes the override of name, locale and kind, so the default
// applies again (a custom template is gone). It gives ErrNotFound when
// there was no override. It is Reset by nobody in particular.
func (s *Store) Delete(ctx context.Context, name, locale string, kind Kind) error {
	return s.Reset(ctx, 0, name, locale, kind)
}

// Reset removes the override of name, locale and kind, as Delete does,
// and records that actor (a user id, 0 for the system) did so.
func (s *Store) Reset(ctx context.Context, actor int64, name, locale string, kind Kind) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("templates: delete %s: %w", name, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	tag, err := tx.Exec(ctx, `DELETE FROM templates WHERE name = $1 AND locale = $2 AND kind = $3`, name, locale, string(kind))
	if err != nil {
		return fmt.Errorf("templates: delete %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("templates: delete %s %s %s: no override: %w", name, locale, kind, ErrNotFound)
	}
	err = audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "template.reset", SubjectType: "template",
		Data: map[string]string{"name": name, "locale": locale, "kind": string(kind)}})
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		return fmt.Errorf("templates: delete %s: %w", name, err)
	}
	return nil
}

// Get returns the template with that name, locale and kind: the override,
// else the default, else ErrNotFound.
func (s *Store) Get(ctx context.Context, name, locale string, kind Kind) (Template, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM templates WHERE name = $1 AND locale = $2 AND kind = $3`,
		name, locale, string(kind))
	r, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[row])
	switch {
	case err == nil:
		return s.template(r), nil
	case !errors.Is(err, pgx.ErrNoRows):
		return Template{}, fmt.Errorf("templates: get %s: %w", name, err)
	}
	if t, ok := s.defaults[key{name, locale, kind}]; ok {
		return t, nil
	}
	return Template{}, fmt.Errorf("templates: %s %s %s: %w", name, locale, kind, ErrNotFound)
}

// List returns every template — the defaults, each replaced by its override
// when there is one, and the custom templates — sorted by name, locale and
// kind.
func (s *Store) List(ctx context.Context) ([]Template, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM templates`)
	overrides, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return nil, fmt.Errorf("templates: list: %w", err)
	}
	all := make(map[key]Template, len(s.defaults)+len(overrides))
	maps.Copy(all, s.defaults)
	for _, r := range overrides {
		t := s.template(r)
		all[t.key()] = t
	}
	out := make([]Template, 0, len(all))
	for _, t := range all {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Template) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Locale, b.Locale), cmp.Compare(a.Kind, b.Kind))
	})
	return out, nil
}

// Render renders the template name of kind in locale with d. The locale is
// matched as Match does ("fa-IR" is fa; an unsupported one is
// DefaultLocale). The template used is the first that exists of: the
// override in that locale, its default, the override in the other locale,
// its default — so a template written in one language only still renders
// rather than failing a send; Rendered.Locale says which was used, and the
// date functions follow it. Unknown names give ErrNotFound; a template
// that fails on d gives an *Error.
func (s *Store) Render(ctx context.Context, name, locale string, kind Kind, d Data) (Rendered, error) {
	locale = Match(locale, cmp.Or(s.DefaultLocale, Persian))
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM templates WHERE name = $1 AND kind = $2`, name, string(kind))
	overrides, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return Rendered{}, fmt.Errorf("templates: render %s: %w", name, err)
	}
	for _, l := range []string{locale, other(locale)} {
		for _, r := range overrides {
			if r.Locale == l {
				return s.render(s.template(r), d)
			}
		}
		if t, ok := s.defaults[key{name, l, kind}]; ok {
			return s.render(t, d)
		}
	}
	return Rendered{}, fmt.Errorf("templates: render %s %s %s: %w", name, locale, kind, ErrNotFound)
}

func (s *Store) render(t Template, d Data) (Rendered, error) {
	out, err := t.Render(d)
	if err != nil {
		return Rendered{}, fmt.Errorf("templates: render %s %s %s: %w", t.Name, t.Locale, t.Kind, err)
	}
	return out, nil
}
