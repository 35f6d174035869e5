package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/peykhq/peyk/channels/phonelog"
)

// demoCDRRow is one call of the demo PBX's log.
type demoCDRRow struct {
	Src, Dst, CLID string
	Before         time.Duration // before the log's anchor
	Disposition    string
	Seconds        int
}

// demoMasterCSV writes rows as Asterisk's Master.csv (with uniqueid),
// times in loc counted back from anchor. The same anchor gives the same
// file, byte for byte.
func demoMasterCSV(rows []demoCDRRow, anchor time.Time, loc *time.Location) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	const layout = "2006-01-02 15:04:05"
	for i, r := range rows {
		start := anchor.Add(-r.Before).In(loc)
		answer, billsec := "", 0
		if r.Disposition == "ANSWERED" {
			answer, billsec = start.Add(8*time.Second).Format(layout), r.Seconds
		}
		end := start.Add(time.Duration(8+r.Seconds) * time.Second)
		_ = w.Write([]string{"", r.Src, r.Dst, "from-pstn", r.CLID, "SIP/trunk-0000" + strconv.Itoa(i), "SIP/101-0000" + strconv.Itoa(i),
			"Dial", "SIP/101,30", start.Format(layout), answer, end.Format(layout), strconv.Itoa(8 + r.Seconds),
			strconv.Itoa(billsec), r.Disposition, "DOCUMENTATION", fmt.Sprintf("%d.%d", anchor.Unix(), i+1)})
	}
	w.Flush()
	return b.Bytes()
}

// importDemoCDR imports the demo PBX's call log into the phone channel
// through phonelog, as `peyk import-calls` does with a file.
func importDemoCDR(ctx context.Context, a *app, channel int64, rows []demoCDRRow) (phonelog.Stats, error) {
	ch, err := a.ib.Channel(ctx, channel)
	if err != nil {
		return phonelog.Stats{}, err
	}
	raw, err := channelSettings(ctx, a.ib, ch)
	if err != nil {
		return phonelog.Stats{}, err
	}
	cfg, err := phonelog.SettingsConfig(raw)
	if err != nil {
		return phonelog.Stats{}, err
	}
	file := demoMasterCSV(rows, ch.CreatedAt.Truncate(time.Second), cfg.Location)
	rd, err := phonelog.NewReader(bytes.NewReader(file), phonelog.Asterisk, ch.ID, cfg)
	if err != nil {
		return phonelog.Stats{}, err
	}
	st, err := phonelog.Import(ctx, rd, a.ib, phonelog.Options{})
	if err == nil && len(st.Errors) > 0 {
		err = fmt.Errorf("demo call log: %w", &st.Errors[0])
	}
	return st, err
}
