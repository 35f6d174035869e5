package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/web"
)

// channelUsage lists the channel subcommands.
const channelUsage = `usage: peyk channel add KIND --name NAME --config JSON|@FILE
       peyk channel list
       peyk channel kinds [--json]  (the kinds of this build: settings and presets)
       peyk channel test ID
       peyk channel update ID [--name NAME] [--config JSON|@FILE]  (merged: omitted keys, secrets too, keep their value)
       peyk channel disable ID | enable ID
       peyk channel delete ID [--force]  (refused while the channel has conversations, unless --force)`

// channelCmd manages channels: add, list, test, update, disable, enable,
// delete.
func channelCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, channelUsage)
		return errUsage
	}
	switch args[0] {
	case "add":
		return channelAdd(ctx, args[1:], stdout, stderr)
	case "list":
		return channelList(ctx, args[1:], stdout, stderr)
	case "kinds":
		return channelKinds(args[1:], stdout, stderr)
	case "test":
		return channelTest(ctx, args[1:], stdout, stderr)
	case "update":
		return channelUpdate(ctx, args[1:], stdout, stderr)
	case "disable", "enable":
		return channelEnable(ctx, args[0] == "enable", args[1:], stdout, stderr)
	case "delete":
		return channelDelete(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "peyk channel: unknown command %q\n%s\n", args[0], channelUsage)
	return errUsage
}

func channelAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "usage: peyk channel add KIND --name NAME --config JSON|@FILE (KIND: %s; see docs/channels.md)\n",
			kindList(knownKinds()))
		return errUsage
	}
	kindName := args[0]
	fs, cfg := newFlags("channel add", stderr)
	name := fs.String("name", "", "a name for the channel (required)")
	config := fs.String("config", "{}", "the channel's settings as JSON, or @file to read them from a file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" {
		fmt.Fprintln(stderr, "peyk channel add: --name is required")
		return errUsage
	}
	raw, err := readConfig(*config)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	ch, err := newChannelAdmin(a).Create(ctx, kindName, *name, raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s channel %q (id %d); webhooks, if it has any: /webhooks/%d[/in|/status]\n",
		ch.Kind, ch.Name, ch.ID, ch.ID)
	return nil
}

func channelList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("channel list", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	chs, err := a.ib.Channels(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tNAME\tENABLED\tCURSOR")
	for _, ch := range chs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%s\n", ch.ID, ch.Kind, ch.Name, ch.Enabled, ch.Cursor)
	}
	return tw.Flush()
}

func channelTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("channel test", stderr)
	id, err := parseID(fs, args, "test ID")
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	ctx, notes := channels.WithNotes(ctx)
	err = newChannelAdmin(a).Test(ctx, id)
	if errors.Is(err, web.ErrNotApplicable) {
		fmt.Fprintf(stdout, "channel %d: not applicable: this kind of channel has no connection test\n", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("channel %d: test failed: %w", id, err)
	}
	fmt.Fprintf(stdout, "channel %d: connection ok\n", id)
	for _, n := range notes.List() {
		fmt.Fprintf(stdout, "channel %d: %s\n", id, n)
	}
	return nil
}

// readConfig reads --config: JSON, or @file to read it from a file.
func readConfig(config string) (json.RawMessage, error) {
	raw := []byte(config)
	if path, ok := strings.CutPrefix(config, "@"); ok {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, err
		}
	}
	if !json.Valid(raw) {
		return nil, fmt.Errorf("--config is not valid JSON")
	}
	return raw, nil
}

// parseID parses a command line of one channel id and flags, the id
// before or after the flags.
func parseID(fs *flag.FlagSet, args []string, usage string) (int64, error) {
	rest := args
	var first string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		first, rest = args[0], args[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return 0, err
	}
	if first == "" && fs.NArg() == 1 {
		first = fs.Arg(0)
	} else if fs.NArg() > 0 {
		first = ""
	}
	id, err := strconv.ParseInt(first, 10, 64)
	if err != nil || id <= 0 {
		fmt.Fprintln(fs.Output(), "usage: peyk channel "+usage)
		return 0, errUsage
	}
	return id, nil
}

func channelUpdate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("channel update", stderr)
	name := fs.String("name", "", "a new name for the channel")
	config := fs.String("config", "", "settings to change, as JSON or @file: merged into the stored ones (omitted keys keep their value; null removes one)")
	id, err := parseID(fs, args, "update ID [--name NAME] [--config JSON|@FILE]")
	if err != nil {
		return err
	}
	if *name == "" && *config == "" {
		fmt.Fprintln(stderr, "peyk channel update: give --name, --config or both")
		return errUsage
	}
	var raw json.RawMessage
	if *config != "" {
		if raw, err = readConfig(*config); err != nil {
			return err
		}
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	ch, err := newChannelAdmin(a).Update(ctx, id, *name, raw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "updated %s channel %q (id %d)\n", ch.Kind, ch.Name, ch.ID)
	return nil
}

func channelEnable(ctx context.Context, enable bool, args []string, stdout, stderr io.Writer) error {
	verb := map[bool]string{true: "enable", false: "disable"}[enable]
	fs, cfg := newFlags("channel "+verb, stderr)
	id, err := parseID(fs, args, verb+" ID")
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	ch, err := newChannelAdmin(a).SetEnabled(ctx, id, enable)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "channel %d (%s): %sd\n", ch.ID, ch.Name, verb)
	return nil
}

func channelDelete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("channel delete", stderr)
	force := fs.Bool("force", false, "delete even when the channel has conversations (they are kept, without a channel)")
	id, err := parseID(fs, args, "delete ID [--force]")
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	n, err := newChannelAdmin(a).Delete(ctx, id, *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "channel %d deleted (%d conversations kept without a channel)\n", id, n)
	return nil
}

// kindList names the kinds of r, comma-separated.
func kindList(r *channels.Registry) string {
	var names []string
	for _, k := range r.Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}
