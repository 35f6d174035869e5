package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates"
)

// slaUsage lists the sla subcommands.
const slaUsage = `usage: peyk sla list [--json]
       peyk sla create [--name N] [--team ID | --channel ID] [--first MIN] [--next MIN] [--config JSON|@FILE]
       peyk sla update ID [the same flags]  (only the flags given change)
       peyk sla delete ID
       peyk sla holidays [JALALI_YEAR]  (the official Iranian holidays)
       peyk sla check  (handle the breaches due now, as the workers do)
--config takes the policy as the API does: {"business_hours": true, "calendar": {"week": {"sat": [["08:00","16:00"]]},
"holidays": ["1405-10-04"], "official_holidays": true}, "pause_on_hold": true, "notify": true, "reassign": true}`

// slaCmd manages SLA policies with the schedule functions the settings
// page, the API and the workers use.
func slaCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, slaUsage)
		return errUsage
	}
	fs, cfg := newFlags("sla "+args[0], stderr)
	asJSON := fs.Bool("json", false, "print JSON (list)")
	name := fs.String("name", "", "the policy's name")
	team := fs.Int64("team", 0, "the team it is for")
	channel := fs.Int64("channel", 0, "the channel it is for")
	first := fs.Int("first", 0, "first response target, minutes")
	next := fs.Int("next", 0, "next response target, minutes (0: none)")
	config := fs.String("config", "", "the policy as JSON, or @file")
	rest := args[1:]
	if args[0] == "update" || args[0] == "delete" {
		if len(rest) == 0 {
			fmt.Fprintln(stderr, slaUsage)
			return errUsage
		}
		rest = append(rest[1:], rest[0]) // the id after the flags
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if args[0] == "holidays" {
		return slaHolidays(fs.Args(), stdout)
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	switch args[0] {
	case "list":
		return slaList(ctx, a, *asJSON, stdout)
	case "check":
		n, err := a.ib.CheckSLA(ctx, time.Now())
		if err == nil {
			fmt.Fprintf(stdout, "%d breaches handled\n", n)
		}
		return err
	case "create", "update", "delete":
	default:
		fmt.Fprintln(stderr, slaUsage)
		return errUsage
	}
	p := schedule.DefaultSLAPolicy()
	if args[0] != "create" {
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, slaUsage)
			return errUsage
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an id", fs.Arg(0))
		}
		if args[0] == "delete" {
			return a.ib.DeleteSLAPolicy(ctx, 0, id)
		}
		if p, err = a.ib.SLAPolicyByID(ctx, id); err != nil {
			return err
		}
	}
	if *config != "" {
		raw, err := readConfig(*config)
		if err == nil {
			err = json.Unmarshal(raw, &p)
		}
		if err != nil {
			return err
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "name":
			p.Name = *name
		case "team":
			p.TeamID, p.ChannelID = team, nil
		case "channel":
			p.ChannelID, p.TeamID = channel, nil
		case "first":
			p.FirstResponse = time.Duration(*first) * time.Minute
		case "next":
			p.NextResponse = time.Duration(*next) * time.Minute
		}
	})
	id, err := a.ib.SaveSLAPolicy(ctx, 0, p)
	if err == nil {
		fmt.Fprintf(stdout, "saved SLA policy %d\n", id)
	}
	return err
}

// slaList prints every policy.
func slaList(ctx context.Context, a *app, asJSON bool, stdout io.Writer) error {
	ps, err := a.ib.SLAPolicies(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(ps)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tFOR\tFIRST\tNEXT\tHOURS\tON BREACH")
	for _, p := range ps {
		scope := "global"
		if p.TeamID != nil {
			scope = fmt.Sprintf("team %d", *p.TeamID)
		} else if p.ChannelID != nil {
			scope = fmt.Sprintf("channel %d", *p.ChannelID)
		}
		hours := "24/7"
		if p.BusinessHours {
			hours = "business"
			if p.Calendar.OfficialHolidays {
				hours += "+holidays"
			}
		}
		on := ""
		if p.Notify {
			on += "notify "
		}
		if p.Reassign {
			on += "reassign"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name, scope, p.FirstResponse, p.NextResponse, hours, on)
	}
	return tw.Flush()
}

// slaHolidays prints the official holidays of a Jalali year (default
// this one and the next).
func slaHolidays(args []string, stdout io.Writer) error {
	this := schedule.JalaliYear(time.Now().In(templates.Tehran()))
	years := []int{this, this + 1}
	if len(args) == 1 {
		y, err := strconv.Atoi(args[0])
		if err != nil {
			return fmt.Errorf("%q is not a Jalali year", args[0])
		}
		years = []int{y}
	}
	for _, y := range years {
		note := ""
		if !schedule.LunarHolidaysComplete(y) {
			note = " (the lunar holidays are not all verified: those marked estimated are computed from the moon and may be a day off; add the official day to a policy's own holidays if it differs)"
		}
		fmt.Fprintf(stdout, "%d%s\n", y, note)
		for _, h := range schedule.OfficialHolidays(y) {
			mark := ""
			if h.Estimated {
				mark = "  (تخمینی / estimated)"
			}
			fmt.Fprintf(stdout, "  %s  %s — %s%s\n", h.Date, h.Fa, h.En, mark)
		}
	}
	return nil
}
