package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/peykhq/peyk/web"
)

// auditCmd prints the audit log, newest first, with the filters of the
// page and the API (web.AuditQuery reads them): --actor (an e-mail
// address, a user id or system), --action, --subject-type, --from, --to,
// --limit and --after.
func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("audit", stderr)
	asJSON := fs.Bool("json", false, "print JSON (with next, the cursor of the next page)")
	v := url.Values{}
	for _, f := range []struct{ name, param, help string }{
		{"actor", "actor", "who: an e-mail address, a user id or system"},
		{"action", "action", "one action (user.deactivate), or a kind ending in a dot (user.)"},
		{"subject-type", "subject_type", "user, channel, team, setting, contact…; * for everything (conversations too)"},
		{"from", "from", "first day, inclusive: 2026-03-20 or 1404/12/29"},
		{"to", "to", "last day, inclusive"},
		{"limit", "limit", "events per page (default 50, at most 200)"},
		{"after", "after", "go on after this cursor (the next of the page before)"},
	} {
		fs.Func(f.name, f.help, func(s string) error { v.Set(f.param, s); return nil })
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	st, done, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	if actor := v.Get("actor"); strings.Contains(actor, "@") {
		u, err := st.UserByEmail(ctx, actor)
		if err != nil {
			return err
		}
		v.Set("actor", strconv.FormatInt(u.ID, 10))
	}
	q, err := web.AuditQuery(v)
	if err != nil {
		return err
	}
	page, err := st.AuditLog(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(page)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tWHO\tACTION\tSUBJECT\tDETAILS")
	for _, e := range page.Events {
		who := e.ActorName
		if e.ActorID == nil {
			who = "System"
		}
		subject := fmt.Sprintf("%s #%d", e.SubjectType, e.SubjectID)
		if e.SubjectName != "" {
			subject += " " + e.SubjectName
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), who, e.Action, subject, e.Data)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if page.Next != "" {
		fmt.Fprintf(stderr, "more: peyk audit --after %s\n", page.Next)
	}
	return nil
}
