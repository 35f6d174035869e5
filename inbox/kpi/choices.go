package kpi

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Choice is one value a report filter can take.
type Choice struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Choices are the channels, teams and agents a report can be filtered by.
type Choices struct {
	Channels []Choice `json:"channels"`
	Teams    []Choice `json:"teams"`
	Agents   []Choice `json:"agents"`
}

// Choices lists the filters' values, each sorted by name.
func (s *Store) Choices(ctx context.Context) (Choices, error) {
	var c Choices
	for _, l := range []struct {
		into *[]Choice
		sql  string
	}{
		{&c.Channels, `SELECT id, name FROM channels ORDER BY name, id`},
		{&c.Teams, `SELECT id, name FROM teams ORDER BY name, id`},
		{&c.Agents, `SELECT id, name FROM users ORDER BY name, id`},
	} {
		rows, _ := s.pool.Query(ctx, l.sql)
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Choice])
		if err != nil {
			return c, fmt.Errorf("kpi: choices: %w", err)
		}
		*l.into = list
	}
	return c, nil
}
