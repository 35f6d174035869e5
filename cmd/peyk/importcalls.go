package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/peykhq/peyk/channels/phonelog"
)

// importCallsCmd imports a PBX call log into a phone channel, showing
// progress on large files. Importing a file twice adds nothing.
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
	raw, err := settings(ctx, a.ib, ch)
	if err != nil {
		return err
	}
	var s phoneSettings
	if err := strict(raw, &s); err != nil {
		return err
	}
	pcfg, err := s.config()
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
		fmt.Fprintf(stderr, "\r%5.1f%%  %d rows  %d imported  %d already there  %d skipped  %d failed  %.0f rows/s ",
			pct, p.Rows, p.Imported, p.Duplicates, p.Skipped, p.Failed, rate)
	}
	st, err := phonelog.Import(ctx, rd, a.ib, phonelog.Options{BatchSize: *batch, Progress: func(p phonelog.Progress) { show(p, false) }})
	show(phonelog.Progress{Counts: st.Counts, Bytes: info.Size()}, true)
	if !*quiet {
		fmt.Fprintln(stderr)
	}
	for i, e := range st.Errors {
		if i == 50 {
			fmt.Fprintf(stderr, "… and %d more bad rows\n", len(st.Errors)-50)
			break
		}
		fmt.Fprintln(stderr, "bad row:", e.Error())
	}
	fmt.Fprintf(stdout, "%d rows: %d imported, %d already there, %d skipped (internal), %d bad, in %s\n",
		st.Rows, st.Imported, st.Duplicates, st.Skipped, st.Failed, time.Since(start).Round(time.Millisecond))
	if err != nil {
		return fmt.Errorf("import stopped at line %s: %w (run it again to resume: rows already imported are skipped)",
			strconv.Itoa(rd.Line()), err)
	}
	return nil
}
