package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// AttributeRule sends a message a number of days before the date in a
// contact attribute: «your warranty ends on …» three days before
// warranty_end.
type AttributeRule struct {
	ID         int64  `json:"id"`
	Attribute  string `json:"attribute"`
	DaysBefore int    `json:"days_before"`
	// AtTime is the local time of day to send, "10:00", in Zone.
	AtTime    string `json:"at_time"`
	Zone      string `json:"zone"`
	ChannelID int64  `json:"channel_id"`
	Template  string `json:"template"`
	Text      string `json:"text"`
}

// AddAttributeRule stores a rule and returns its id.
func (bk *Book) AddAttributeRule(ctx context.Context, r AttributeRule) (int64, error) {
	if r.AtTime == "" {
		r.AtTime = "10:00"
	}
	if r.Zone == "" {
		r.Zone = "Asia/Tehran"
	}
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("schedule: attribute rule: %s: %w", why, ErrInvalid)
	}
	switch {
	case r.Attribute == "":
		return bad("no attribute")
	case r.Template == "" && r.Text == "":
		return bad("no template or text")
	case r.DaysBefore < 0 || r.DaysBefore > 3650:
		return bad("days before must be 0 to 3650")
	}
	if _, err := time.Parse("15:04", r.AtTime); err != nil {
		return bad(fmt.Sprintf("time %q (want 15:04)", r.AtTime))
	}
	if _, err := time.LoadLocation(r.Zone); err != nil {
		return bad(fmt.Sprintf("zone %q", r.Zone))
	}
	var id int64
	err := bk.pool.QueryRow(ctx, `INSERT INTO attribute_rules (attribute, days_before, at_time, zone, channel_id, template, text)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		r.Attribute, r.DaysBefore, r.AtTime, r.Zone, r.ChannelID, r.Template, r.Text).Scan(&id)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return bad(fmt.Sprintf("channel %d does not exist", r.ChannelID))
	}
	if err != nil {
		return 0, fmt.Errorf("schedule: attribute rule: %w", err)
	}
	return id, nil
}

// PlanAttributeMessages creates the attribute messages due within two
// days of now (and not more than a day late), once per rule, contact and
// date; the reconciler then enqueues them. Attribute values that are not
// dates (2006-01-02) are skipped. It returns how many it created.
func (bk *Book) PlanAttributeMessages(ctx context.Context, now time.Time) (int, error) {
	rows, _ := bk.pool.Query(ctx, `SELECT r.id, r.days_before, r.at_time, r.zone, r.channel_id, r.template, r.text,
			c.id, c.attributes->>r.attribute
		FROM attribute_rules r JOIN contacts c ON c.attributes ? r.attribute AND c.merged_into IS NULL
		WHERE r.active`)
	type plan struct {
		ns   NewSchedule
		date string
	}
	var plans []plan
	var r AttributeRule
	var contact int64
	var value string
	_, err := pgx.ForEachRow(rows, []any{&r.ID, &r.DaysBefore, &r.AtTime, &r.Zone, &r.ChannelID, &r.Template, &r.Text,
		&contact, &value}, func() error {
		loc, err := time.LoadLocation(r.Zone)
		if err != nil {
			return nil
		}
		date, err1 := time.ParseInLocation(time.DateOnly, value, loc)
		at, err2 := time.Parse("15:04", r.AtTime)
		if err1 != nil || err2 != nil {
			return nil
		}
		due := time.Date(date.Year(), date.Month(), date.Day()-r.DaysBefore, at.Hour(), at.Minute(), 0, 0, loc)
		if due.Before(now.Add(-24*time.Hour)) || due.After(now.Add(48*time.Hour)) {
			return nil
		}
		plans = append(plans, plan{date: value, ns: NewSchedule{Kind: ScheduleAttribute, DueAt: due, ContactID: contact,
			Payload: Payload{ChannelID: r.ChannelID, Template: r.Template, Text: r.Text},
			Dedupe:  fmt.Sprintf("attr:%d:%d:%s", r.ID, contact, value)}})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("schedule: plan attribute messages: %w", err)
	}
	n := 0
	for _, p := range plans {
		_, err := bk.AddSchedule(ctx, p.ns)
		if errors.Is(err, ErrConflict) {
			continue // planned before
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
