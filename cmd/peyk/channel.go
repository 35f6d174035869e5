package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
)

// channelCmd manages channels: add, list, test.
func channelCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: peyk channel add KIND --name NAME --config JSON|@FILE | list | test ID")
		return errUsage
	}
	switch args[0] {
	case "add":
		return channelAdd(ctx, args[1:], stdout, stderr)
	case "list":
		return channelList(ctx, args[1:], stdout, stderr)
	case "test":
		return channelTest(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "peyk channel: unknown command %q (add, list, test)\n", args[0])
	return errUsage
}

func channelAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: peyk channel add KIND --name NAME --config JSON|@FILE (KIND: email, sms, telegram, phone; see docs/channels.md)")
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
	raw := []byte(*config)
	if path, ok := strings.CutPrefix(*config, "@"); ok {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return err
		}
	}
	if !json.Valid(raw) {
		return fmt.Errorf("--config is not valid JSON")
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil {
		fmt.Fprintln(stderr, "usage: peyk channel test ID")
		return errUsage
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	if err := newChannelAdmin(a).Test(ctx, id); err != nil {
		return fmt.Errorf("channel %d: test failed: %w", id, err)
	}
	fmt.Fprintf(stdout, "channel %d: connection ok\n", id)
	return nil
}
