package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/peykhq/peyk/channels/phonelog"
)

// errBadRows is the error of an import that stored every good row but
// found bad ones: the command exits non-zero so a script notices.
var errBadRows = errors.New("bad rows")

// counts says what became of the rows read, in the words both the
// progress line and the summary use: rows, imported, already there,
// skipped, bad.
func counts(c phonelog.Counts, sep string) string {
	return fmt.Sprintf("%d rows%s%d imported%s%d already there%s%d skipped%s%d bad",
		c.Rows, sep, c.Imported, sep, c.Duplicates, sep, c.Skipped, sep, c.Failed)
}

// importCallsCmd imports a PBX call log into a phone channel, showing
// progress on large files. Importing a file twice adds nothing. Bad rows
// are listed by line and the rest is imported; then the command fails
// (errBadRows) so that a script sees them.
func importCallsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("import-calls", stderr)
	channel := fs.Int64("channel", 0, "the phone channel the calls belong to (required; see peyk channel list)")
	format := fs.String("format", "auto", "asterisk (Master.csv), generic (CSV with a header row) or auto")
	quiet := fs.Bool("quiet", false, "no progress display")
	batch := fs.Int("batch", phonelog.BulkSize, "calls per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *channel == 0 || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: peyk import-calls --channel ID [--format auto|asterisk|generic] [--batch N] FILE")
		return errUsage
	}
	formats := map[string]phonelog.Format{"auto": phonelog.Auto, "asterisk": phonelog.Asterisk, "generic": phonelog.Generic}
	f, ok := formats[*format]
	if !ok {
		fmt.Fprintf(stderr, "peyk import-calls: --format %q (want auto, asterisk or generic)\n", *format)
		return errUsage
	}
	file, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	ch, err := a.ib.Channel(ctx, *channel)
	if err != nil {
		return err
	}
	if ch.Kind != "phone" {
		return fmt.Errorf("channel %d is a %s channel, not a phone channel", ch.ID, ch.Kind)
	}
	raw, err := channelSettings(ctx, a.ib, ch)
	if err != nil {
		return err
	}
	pcfg, err := phonelog.SettingsConfig(raw)
	if err != nil {
		return err
	}
	rd, err := phonelog.NewReader(file, f, ch.ID, pcfg)
	if err != nil {
		return err
	}
	start, last := time.Now(), time.Time{}
	show := func(p phonelog.Progress, final bool) {
		if *quiet || (!final && time.Since(last) < 200*time.Millisecond) {
			return
		}
		last = time.Now()
		pct := 100.0
		if info.Size() > 0 {
			pct = float64(p.Bytes) * 100 / float64(info.Size())
		}
		rate := float64(p.Rows) / time.Since(start).Seconds()
		fmt.Fprintf(stderr, "\r%5.1f%%  %s  %.0f rows/s ", pct, counts(p.Counts, "  "), rate)
	}
	st, err := phonelog.Import(ctx, rd, a.ib, phonelog.Options{BatchSize: *batch, Progress: func(p phonelog.Progress) { show(p, false) }})
	show(phonelog.Progress{Counts: st.Counts, Bytes: info.Size()}, true)
	if !*quiet {
		fmt.Fprintln(stderr)
	}
	for i, e := range st.Errors {
		if i == 50 {
			fmt.Fprintf(stderr, "… and %d more bad rows\n", st.Failed-50)
			break
		}
		fmt.Fprintln(stderr, "bad row:", e.Error())
	}
	fmt.Fprintf(stdout, "%s, in %s (skipped: internal or without a caller number)\n",
		counts(st.Counts, ", "), time.Since(start).Round(time.Millisecond))
	switch {
	case err != nil:
		return fmt.Errorf("import stopped at line %s: %w (run it again to resume: rows already imported are skipped)",
			strconv.Itoa(rd.Line()), err)
	case st.Failed > 0:
		return fmt.Errorf("%w: %d not imported, the other rows were (fix them and import the file again: "+
			"rows already imported are skipped)", errBadRows, st.Failed)
	}
	return nil
}
