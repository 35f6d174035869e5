package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web/auth"
)

// demoAccount is a login of the demo workspace.
type demoAccount struct {
	auth.NewUser
	ID      int64
	Created bool // false: it existed and keeps its password
}

// demoWorkspace is what the demo creates besides channels: the admin, two
// agents, their team and its SLA policy, and canned responses.
type demoWorkspace struct {
	Admin  demoAccount
	Agents []demoAccount
	Team   int64
}

// demoTeamName is the demo agents' team.
const demoTeamName = "پشتیبانی"

// seedWorkspace creates what is missing of the demo workspace and leaves
// what exists as it is.
func seedWorkspace(ctx context.Context, a *app, password string) (demoWorkspace, error) {
	users := auth.NewStore(a.pool, 0)
	ws := demoWorkspace{
		Admin: demoAccount{NewUser: auth.NewUser{Email: "admin@peyk.local", Name: "Admin", Role: auth.RoleAdmin, Locale: "fa"}},
		Agents: []demoAccount{
			{NewUser: auth.NewUser{Email: "neda@peyk.local", Name: "ندا کریمی", Role: auth.RoleAgent, Locale: "fa"}},
			{NewUser: auth.NewUser{Email: "sam@peyk.local", Name: "Sam Taylor", Role: auth.RoleAgent, Locale: "en"}},
		},
	}
	for _, acc := range append([]*demoAccount{&ws.Admin}, pointers(ws.Agents)...) {
		acc.Password = password
		u, err := users.CreateUser(ctx, acc.NewUser)
		acc.Created = err == nil
		if errors.Is(err, crm.ErrConflict) {
			u, err = users.UserByEmail(ctx, acc.Email)
		}
		if err != nil {
			return ws, fmt.Errorf("demo: user %s: %w", acc.Email, err)
		}
		acc.ID = u.ID
	}
	var err error
	if ws.Team, err = demoTeam(ctx, a); err != nil {
		return ws, err
	}
	for _, ag := range ws.Agents {
		if err := a.ib.AddTeamMember(ctx, ws.Team, ag.ID); err != nil {
			return ws, err
		}
	}
	team := ws.Team
	if _, err := a.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{Name: "پاسخ اول در چهار ساعت", TeamID: &team,
		FirstResponse: 4 * time.Hour}); err != nil {
		return ws, fmt.Errorf("demo: SLA policy: %w", err)
	}
	return ws, seedCanned(ctx, canned.NewStore(a.pool), ws.Admin.ID)
}

func pointers[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// demoTeam returns the demo team's id, creating the team if missing.
func demoTeam(ctx context.Context, a *app) (int64, error) {
	id, err := a.ib.CreateTeam(ctx, demoTeamName)
	if errors.Is(err, crm.ErrConflict) {
		err = a.pool.QueryRow(ctx, `SELECT id FROM teams WHERE name = $1`, demoTeamName).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("demo: team: %w", err)
	}
	return id, nil
}

// seedCanned adds two canned responses in Persian and English, unless
// there are canned responses already (an admin may have edited them).
func seedCanned(ctx context.Context, st *canned.Store, author int64) error {
	have, err := st.List(ctx)
	if err != nil || len(have) > 0 {
		return err
	}
	for _, r := range []canned.Response{
		{Title: "سفارش ارسال شد", Shortcut: "shipped",
			BodyFa: "سلام، سفارش شما امروز ارسال شد و کد رهگیری به\u200cزودی برایتان پیامک می\u200cشود.",
			BodyEn: "Hello, your order shipped today; the tracking code follows by SMS."},
		{Title: "ساعت کاری", Shortcut: "hours",
			BodyFa: "ساعت کاری ما شنبه تا پنجشنبه از ۹ تا ۲۱ است؛ جمعه\u200cها تعطیلیم.",
			BodyEn: "We are open Saturday to Thursday, 9:00 to 21:00; closed on Fridays."},
	} {
		if _, err := st.Create(ctx, author, r); err != nil {
			return fmt.Errorf("demo: canned response %s: %w", r.Title, err)
		}
	}
	return nil
}
