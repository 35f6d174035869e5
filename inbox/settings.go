package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/crm"
)

// Setting is one workspace setting an administrator may change at run
// time, stored in the settings table.
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Stored reports whether the value is in the database; when false it
	// is the server's configured default.
	Stored bool `json:"stored"`
}

// SettingTeamVisibility is the key of the team_visibility setting, "on"
// or "off": whether agents see only their own teams' conversations and
// those of no team (see Viewer).
const SettingTeamVisibility = "team_visibility"

// settingDefaults returns the value of each known key when the database
// holds none: the server's configuration.
func (ib *Inbox) settingDefaults() map[string]string {
	return map[string]string{SettingTeamVisibility: onOff(ib.cfg.TeamVisibility)}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// parseOnOff reads a yes/no setting value.
func parseOnOff(key, v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1":
		return "on", nil
	case "off", "false", "no", "0":
		return "off", nil
	}
	return "", fmt.Errorf("inbox: setting %s: %q (want on or off): %w", key, v, ErrInvalid)
}

// Settings returns every known setting, stored or default, by key.
func (ib *Inbox) Settings(ctx context.Context) ([]Setting, error) {
	out := []Setting{}
	for _, key := range []string{SettingTeamVisibility} {
		s, err := ib.Setting(ctx, key)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Setting returns the setting key: its stored value, else its default.
// An unknown key is ErrNotFound.
func (ib *Inbox) Setting(ctx context.Context, key string) (Setting, error) {
	def, ok := ib.settingDefaults()[key]
	if !ok {
		return Setting{}, fmt.Errorf("inbox: setting %q: %w", key, ErrNotFound)
	}
	s := Setting{Key: key, Value: def}
	err := ib.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&s.Value)
	switch {
	case err == nil:
		s.Stored = true
	case !errors.Is(err, pgx.ErrNoRows):
		return Setting{}, fmt.Errorf("inbox: setting %s: %w", key, err)
	}
	return s, nil
}

// SetSetting stores the setting key as value, by user actor (0: the
// command line), and audits the change (setting.set). An unknown key is ErrNotFound, a
// bad value ErrInvalid.
func (ib *Inbox) SetSetting(ctx context.Context, actor int64, key, value string) (Setting, error) {
	if _, ok := ib.settingDefaults()[key]; !ok {
		return Setting{}, fmt.Errorf("inbox: setting %q: %w", key, ErrNotFound)
	}
	value, err := parseOnOff(key, value) // every setting so far is on/off
	if err != nil {
		return Setting{}, err
	}
	err = pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_by) VALUES ($1, $2, NULLIF($3, 0))
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`,
			key, value, actor)
		if err != nil {
			return err
		}
		return crm.Audit(ctx, tx, actor, "setting.set", "setting", 0, map[string]string{"key": key, "value": value})
	})
	if err != nil {
		return Setting{}, fmt.Errorf("inbox: set %s: %w", key, err)
	}
	return Setting{Key: key, Value: value, Stored: true}, nil
}
