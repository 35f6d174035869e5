package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/peykhq/peyk/web/auth"
)

// teamUsage lists the team subcommands.
const teamUsage = `usage: peyk team list [--json]
       peyk team create NAME
       peyk team rename ID NAME
       peyk team delete ID  (its conversations stay, without a team)
       peyk team add-member TEAM USER | remove-member TEAM USER  (USER: id or e-mail)
       peyk team route CHANNEL TEAM|none  (the channel's new conversations start in TEAM)`

// teamCmd manages teams with the inbox functions the settings page and
// the API call.
func teamCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	want := map[string]int{"list": 0, "create": 1, "rename": 2, "delete": 1, "add-member": 2, "remove-member": 2, "route": 2}
	if len(args) == 0 {
		fmt.Fprintln(stderr, teamUsage)
		return errUsage
	}
	n, ok := want[args[0]]
	fs, cfg := newFlags("team "+args[0], stderr)
	asJSON := fs.Bool("json", false, "print JSON (list)")
	if ok {
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
	}
	rest := fs.Args()
	if !ok || len(rest) != n {
		fmt.Fprintln(stderr, teamUsage)
		return errUsage
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	id := func(i int) (int64, error) {
		v, err := strconv.ParseInt(rest[i], 10, 64)
		if err != nil || v <= 0 {
			return 0, fmt.Errorf("%q is not an id", rest[i])
		}
		return v, nil
	}
	switch args[0] {
	case "list":
		return teamList(ctx, a, *asJSON, stdout)
	case "create":
		team, err := a.ib.AddTeam(ctx, 0, rest[0])
		if err == nil {
			fmt.Fprintf(stdout, "created team %d %s\n", team, strings.TrimSpace(rest[0]))
		}
		return err
	case "rename":
		team, err := id(0)
		if err == nil {
			err = a.ib.RenameTeam(ctx, 0, team, rest[1])
		}
		return err
	case "delete":
		team, err := id(0)
		if err != nil {
			return err
		}
		n, err := a.ib.DeleteTeam(ctx, 0, team)
		if err == nil {
			fmt.Fprintf(stdout, "deleted team %d; %d conversations no longer have a team\n", team, n)
		}
		return err
	case "add-member", "remove-member":
		team, err := id(0)
		if err != nil {
			return err
		}
		user, err := id(1)
		if err != nil {
			u, uerr := auth.NewStore(a.pool, 0).UserByEmail(ctx, rest[1])
			if uerr != nil {
				return uerr
			}
			user = u.ID
		}
		return a.ib.SetTeamMember(ctx, 0, team, user, args[0] == "add-member")
	}
	ch, err := id(0)
	if err != nil {
		return err
	}
	var team int64
	if rest[1] != "none" {
		if team, err = id(1); err != nil {
			return err
		}
	}
	return a.ib.RouteChannel(ctx, 0, ch, team)
}

// teamList prints every team: id, name, members (away ones marked),
// channels and conversations.
func teamList(ctx context.Context, a *app, asJSON bool, stdout io.Writer) error {
	ts, err := a.ib.TeamSummaries(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(ts)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tMEMBERS\tCHANNELS\tCONVERSATIONS")
	for _, t := range ts {
		var ms, chs []string
		for _, m := range t.Members {
			s := m.Email
			if !m.Available {
				s += " (away)"
			}
			if !m.Active {
				s += " (inactive)"
			}
			ms = append(ms, s)
		}
		for _, c := range t.Channels {
			chs = append(chs, fmt.Sprintf("%d %s", c.ID, c.Name))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\n", t.ID, t.Name, strings.Join(ms, ", "), strings.Join(chs, ", "), t.Conversations)
	}
	return tw.Flush()
}
