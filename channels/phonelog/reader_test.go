package phonelog_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/phonelog"
)

var tehran, _ = time.LoadLocation("Asia/Tehran")

var testConfig = phonelog.Config{Ours: []string{"1XX", "02188776655"}, Location: tehran}

// readAll reads every row, keyed by line: a call or a row error.
func readAll(t *testing.T, rd *phonelog.Reader) (map[int]channels.Inbound, map[int]error) {
	t.Helper()
	calls, errs := map[int]channels.Inbound{}, map[int]error{}
	for {
		in, err := rd.Next()
		var re *phonelog.RowError
		switch {
		case err == io.EOF:
			return calls, errs
		case errors.As(err, &re):
			if re.Line != rd.Line() {
				t.Errorf("RowError line %d, Reader.Line %d", re.Line, rd.Line())
			}
			errs[re.Line] = re.Err
		case err != nil:
			t.Fatal(err)
		default:
			calls[rd.Line()] = in
		}
	}
}

func openReader(t *testing.T, name string, format phonelog.Format, cfg phonelog.Config) *phonelog.Reader {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rd, err := phonelog.NewReader(f, format, 7, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rd
}

// want is the expected reading of one line.
type want struct {
	dir         channels.Direction
	customer    string
	name        string
	disposition string
	duration    time.Duration
	billable    time.Duration
	text        string
	start       string // RFC 3339
	idPrefix    string
	recording   string
	err         string // a row error containing this
}

func checkLine(t *testing.T, line int, w want, calls map[int]channels.Inbound, errs map[int]error) {
	t.Helper()
	if w.err != "" {
		err := errs[line]
		if err == nil || !strings.Contains(err.Error(), w.err) {
			t.Fatalf("error %v, want one containing %q", err, w.err)
		}
		return
	}
	in, ok := calls[line]
	if !ok {
		t.Fatalf("no call (error %v)", errs[line])
	}
	c := in.Call
	if in.ChannelID != 7 || in.Kind != channels.KindCall || in.Direction != w.dir || in.From.Kind != channels.IdentityPhone ||
		in.From.Value != w.customer || in.From.Name != w.name || in.Text != w.text {
		t.Errorf("got %+v", in)
	}
	if c == nil || c.Disposition != w.disposition || c.Duration != w.duration || c.Billable != w.billable || c.RecordingURL != w.recording {
		t.Errorf("call %+v", c)
	}
	if got := in.SentAt.Format(time.RFC3339); got != w.start {
		t.Errorf("start %s, want %s", got, w.start)
	}
	if !strings.HasPrefix(in.ExternalID, w.idPrefix) {
		t.Errorf("external id %q, want prefix %q", in.ExternalID, w.idPrefix)
	}
}

func TestReadMasterCSV(t *testing.T) {
	rd := openReader(t, "testdata/Master.csv", phonelog.Asterisk, testConfig)
	calls, errs := readAll(t, rd)
	tests := []struct {
		line int
		want want
	}{
		{1, want{dir: channels.In, customer: "09121234567", name: "علی رضایی", disposition: "ANSWERED",
			duration: 197 * time.Second, billable: 192 * time.Second, text: "Answered call, 3m12s",
			start: "2026-03-21T09:00:00+03:30", idPrefix: "cdr:1774069200.1:"}},
		{2, want{dir: channels.In, customer: "09351112233", name: "سارا احمدی", disposition: "NO ANSWER",
			duration: 30 * time.Second, text: "Missed call", start: "2026-03-21T09:10:00+03:30", idPrefix: "cdr:1774069800.3:"}},
		{4, want{dir: channels.Out, customer: "09121234567", disposition: "ANSWERED", duration: 128 * time.Second,
			billable: 120 * time.Second, text: "Outgoing call, 2m0s", start: "2026-03-21T10:00:00+03:30", idPrefix: "cdr:"}},
		{5, want{err: `start "2026-13-45 99:00:00" is not a date`}},
		{6, want{err: "4 columns, want 16, 17 or 18"}},
		{7, want{dir: channels.In, customer: "+989125550000", name: "Reza, Karimi", disposition: "BUSY",
			duration: 2 * time.Second, text: "Missed call (busy)", start: "2026-03-21T11:00:00+03:30", idPrefix: "cdr:1774076400.9:"}},
		{10, want{dir: channels.In, customer: "09127778899", name: "مریم کاظمی", disposition: "NO ANSWER",
			duration: 20 * time.Second, text: "Missed call", start: "2026-03-21T12:00:00+03:30", idPrefix: "cdr:1774080000.15:"}},
		{11, want{dir: channels.In, customer: "09127778899", name: "مریم کاظمی", disposition: "ANSWERED",
			duration: 305 * time.Second, billable: 300 * time.Second, text: "Answered call, 5m0s",
			start: "2026-03-21T12:00:20+03:30", idPrefix: "cdr:1774080000.15:"}},
		{12, want{dir: channels.In, customer: "۰۹۱۲۱۲۳۴۵۶۷", disposition: "FAILED", duration: time.Second,
			text: "Missed call (failed)", start: "2026-03-21T13:00:00+03:30", idPrefix: "cdr:1774083600.18:"}},
		{13, want{dir: channels.In, customer: "02144556677", name: "Office", disposition: "CONGESTION", duration: time.Second,
			text: "Missed call (congestion)", start: "2026-03-21T14:00:00+03:30", idPrefix: "cdr:1774087200.19:"}},
	}
	for _, tt := range tests {
		t.Run("line "+strconv.Itoa(tt.line), func(t *testing.T) { checkLine(t, tt.line, tt.want, calls, errs) })
	}
	if len(calls)+len(errs) != len(tests) {
		t.Errorf("%d calls and %d errors, want %d rows", len(calls), len(errs), len(tests))
	}
	if rd.Rows() != 12 || rd.Skipped() != 2 {
		t.Errorf("rows %d, skipped %d; want 12 and 2 (the internal call on line 8, the anonymous one on line 9)", rd.Rows(), rd.Skipped())
	}
	if st, _ := os.Stat("testdata/Master.csv"); rd.Offset() != st.Size() {
		t.Errorf("offset %d, file size %d", rd.Offset(), st.Size())
	}
	if calls[10].ExternalID == calls[11].ExternalID {
		t.Error("two CDRs sharing a uniqueid got one external id")
	}
}

func TestReadGenericCSV(t *testing.T) {
	for _, format := range []phonelog.Format{phonelog.Generic, phonelog.Auto} {
		t.Run(string(format), func(t *testing.T) {
			rd := openReader(t, "testdata/calls.csv", format, testConfig)
			if rd.Format() != phonelog.Generic {
				t.Fatalf("format %s", rd.Format())
			}
			calls, errs := readAll(t, rd)
			tests := []struct {
				line int
				want want
			}{
				{2, want{dir: channels.In, customer: "09121234567", name: "علی رضایی", disposition: "ANSWERED",
					duration: 200 * time.Second, billable: 190 * time.Second, text: "Answered call, 3m10s",
					start: "2026-03-21T09:00:00+03:30", idPrefix: "csv:c-1", recording: "https://rec.example.com/c-1.mp3"}},
				{3, want{dir: channels.Out, customer: "09121234567", disposition: "NO ANSWER", duration: 25 * time.Second,
					text: "Outgoing call, no answer", start: "2026-03-21T10:00:00+03:30", idPrefix: "csv:c-2"}},
				{4, want{dir: channels.In, customer: "09351112233", name: "سارا احمدی", disposition: "BUSY", duration: 3 * time.Second,
					text: "Missed call (busy)", start: "2026-03-21T11:00:00+03:30", idPrefix: "csv:c-3"}},
				{5, want{dir: channels.Out, customer: "09127778899", disposition: "ANSWERED", duration: 65 * time.Second,
					billable: 60 * time.Second, text: "Outgoing call, 1m0s", start: "2026-03-21T12:00:00+03:30", idPrefix: "csv:"}},
				{6, want{err: `start "yesterday" is not a time`}},
				{7, want{err: `disposition "HUNG UP" is not ANSWERED`}},
			}
			for _, tt := range tests {
				t.Run("line "+strconv.Itoa(tt.line), func(t *testing.T) { checkLine(t, tt.line, tt.want, calls, errs) })
			}
		})
	}
}

// TestReadRows checks single Master.csv rows, field by field.
func TestReadRows(t *testing.T) {
	const (
		head = `"","09121234567","100","from-trunk","""X"" <09121234567>","SIP/t-1","SIP/100-1","Dial","SIP/100",`
		ok   = head + `"2026-03-21 09:00:00","2026-03-21 09:00:05","2026-03-21 09:01:00",60,55,"ANSWERED","DOCUMENTATION"`
	)
	tests := []struct {
		name string
		cfg  phonelog.Config
		row  string
		want string // the call's Text and RecordingURL, or the error
	}{
		{"16 columns", testConfig, ok, "Answered call, 55s|"},
		{"17 columns", testConfig, ok + `,"u-1"`, "Answered call, 55s|"},
		{"18 columns", testConfig, ok + `,"u-1","f"`, "Answered call, 55s|"},
		{"19 columns", testConfig, ok + `,"u-1","f","x"`, "line 1: 19 columns"},
		{"15 columns", testConfig, head + `"2026-03-21 09:00:00","","",60,55,"ANSWERED"`, "line 1: 15 columns"},
		{"fractional seconds", testConfig, strings.Replace(ok, `09:00:00"`, `09:00:00.250"`, 1), "Answered call, 55s|"},
		{"empty answer", testConfig, strings.Replace(ok, `"2026-03-21 09:00:05"`, `""`, 1), "Answered call, 55s|"},
		{"bad answer", testConfig, strings.Replace(ok, `"2026-03-21 09:00:05"`, `"soon"`, 1), `answer "soon" is not a date`},
		{"empty start", testConfig, strings.Replace(ok, `"2026-03-21 09:00:00"`, `""`, 1), "start is empty"},
		{"bad duration", testConfig, strings.Replace(ok, `,60,55,`, `,sixty,55,`, 1), `duration "sixty" is not a number`},
		{"negative billsec", testConfig, strings.Replace(ok, `,60,55,`, `,60,-5,`, 1), `billsec -5 is negative`},
		{"unknown disposition", testConfig, strings.Replace(ok, `"ANSWERED"`, `"HANGUP"`, 1), `disposition "HANGUP"`},
		{"lower-case disposition", testConfig, strings.Replace(ok, `"ANSWERED"`, `"no answer"`, 1), "Missed call|"},
		{"no src, number from clid", testConfig, strings.Replace(ok, `"09121234567","100"`, `"","100"`, 1), "Answered call, 55s|"},
		{"no number at all", testConfig, strings.Replace(strings.Replace(ok, `"09121234567","100"`, `"","100"`, 1), `<09121234567>`, ``, 1), "EOF"}, // skipped: no caller number
		{"bare quote", testConfig, `"",09121234567"x,"100"`, "line 1: "},
		{"recording template", phonelog.Config{RecordingURL: "https://pbx/rec/{{.UniqueID}}.wav?d={{.Customer}}"},
			ok + `,"u-1"`, "Answered call, 55s|https://pbx/rec/u-1.wav?d=09121234567"},
		{"no recording for a missed call", phonelog.Config{RecordingURL: "https://pbx/rec/{{.UniqueID}}.wav"},
			strings.Replace(ok, `"ANSWERED"`, `"BUSY"`, 1) + `,"u-1"`, "Missed call (busy)|"},
		{"UTC times", phonelog.Config{Location: time.UTC}, ok, "Answered call, 55s|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := phonelog.NewReader(strings.NewReader(tt.row+"\n"), phonelog.Asterisk, 7, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			in, err := rd.Next()
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = in.Text + "|" + in.Call.RecordingURL
			}
			if !strings.HasPrefix(got, tt.want) && !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if err == nil {
				if _, err := rd.Next(); err != io.EOF {
					t.Errorf("second Next: %v, want EOF", err)
				}
			}
		})
	}
}

func TestDirection(t *testing.T) {
	cfg := phonelog.Config{Ours: []string{"1XX", "+98 21 8877 6655", "_5NXX.", "0217777*"}}
	tests := []struct {
		src, dst string
		want     string // direction and customer, or "skip"
	}{
		{"09121234567", "100", "in 09121234567"},
		{"101", "09121234567", "out 09121234567"},
		{"101", "102", "skip"},
		{"02188776655", "09121234567", "out 09121234567"}, // our DID, written nationally
		{"00982188776655", "09121234567", "out 09121234567"},
		{"5200", "09121234567", "out 09121234567"}, // 5NXX. matches 52001…
		{"5100", "09121234567", "in 5100"},         // N is 2–9
		{"02177770001", "09121234567", "out 09121234567"},
		{"1000", "09121234567", "in 1000"}, // 1XX is three digits
		{"09121234567", "02188776655", "in 09121234567"},
	}
	for _, tt := range tests {
		t.Run(tt.src+"→"+tt.dst, func(t *testing.T) {
			row := `"","` + tt.src + `","` + tt.dst + `","c","","SIP/a","SIP/b","Dial","","2026-03-21 09:00:00","","2026-03-21 09:00:10",10,0,"NO ANSWER","DOCUMENTATION"`
			rd, err := phonelog.NewReader(strings.NewReader(row), phonelog.Asterisk, 7, cfg)
			if err != nil {
				t.Fatal(err)
			}
			in, err := rd.Next()
			got := "skip"
			switch {
			case err == nil:
				got = string(in.Direction) + " " + in.From.Value
			case err != io.EOF:
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewReaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		format phonelog.Format
		cfg    phonelog.Config
		input  string
		want   string
	}{
		{"unknown format", "xls", testConfig, "", "unknown format"},
		{"bad template", phonelog.Asterisk, phonelog.Config{RecordingURL: "{{.Nope"}, "", "recording url template"},
		{"template field", phonelog.Asterisk, phonelog.Config{RecordingURL: "{{.Nope}}"}, "", "recording url template"},
		{"bad ours", phonelog.Asterisk, phonelog.Config{Ours: []string{"sales"}}, "", "ours"},
		{"generic without header", phonelog.Generic, testConfig, "", "empty"},
		{"generic missing column", phonelog.Generic, testConfig, "id,start,from\n", `no "to" column`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := phonelog.NewReader(strings.NewReader(tt.input), tt.format, 7, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		dir  channels.Direction
		call channels.Call
		want string
	}{
		{channels.In, channels.Call{Disposition: "ANSWERED", Billable: 192 * time.Second}, "Answered call, 3m12s"},
		{channels.In, channels.Call{Disposition: "ANSWERED", Duration: 3700 * time.Second}, "Answered call, 1h1m40s"},
		{channels.In, channels.Call{Disposition: "NO ANSWER"}, "Missed call"},
		{channels.In, channels.Call{Disposition: "BUSY"}, "Missed call (busy)"},
		{channels.Out, channels.Call{Disposition: "ANSWERED", Billable: 45 * time.Second}, "Outgoing call, 45s"},
		{channels.Out, channels.Call{Disposition: "NO ANSWER"}, "Outgoing call, no answer"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := phonelog.Summary(tt.dir, &tt.call); got != tt.want {
				t.Errorf("got %q", got)
			}
		})
	}
}

// TestReadGenericRows checks header variants and single generic rows.
func TestReadGenericRows(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string // direction, customer, disposition, start; or the error
	}{
		{"minimal", "start,from,to,disposition\n2026-03-21 09:00:00,09121234567,101,busy\n", "in 09121234567 BUSY 2026-03-21T05:30:00Z"},
		{"any order and case", "Disposition, TO ,From,START\nNO_ANSWER,101,09121234567,2026-03-21T09:00:00Z\n", "in 09121234567 NO ANSWER 2026-03-21T09:00:00Z"},
		{"trailing empty columns", "start,from,to,disposition,,\n2026-03-21 09:00:00,101,09121234567,answered,,\n", "out 09121234567 ANSWERED 2026-03-21T05:30:00Z"},
		{"outgoing", "start,from,to,disposition,direction\n2026-03-21T09:00:00,02188776655,09121234567,missed,outgoing\n", "out 09121234567 NO ANSWER 2026-03-21T05:30:00Z"},
		{"canceled", "start,from,to,disposition\n2026-03-21 09:00:00,09121234567,101,Cancelled\n", "in 09121234567 FAILED 2026-03-21T05:30:00Z"},
		{"wrong column count", "start,from,to,disposition\n2026-03-21 09:00:00,09121234567,101\n", "line 2: 3 columns, the header has 4"},
		{"bad direction", "start,from,to,disposition,direction\n2026-03-21 09:00:00,09121234567,101,busy,up\n", `line 2: direction "up"`},
		{"bad billsec", "start,from,to,disposition,billsec\n2026-03-21 09:00:00,09121234567,101,busy,1.5\n", `line 2: billsec "1.5" is not a number`},
		{"no caller: skipped", "start,from,to,disposition\n2026-03-21 09:00:00,,101,busy\n", "EOF"},
		{"no callee", "start,from,to,disposition,direction\n2026-03-21 09:00:00,101,,busy,out\n", "line 2: no customer number"},
		{"duplicate column", "start,from,to,disposition,from\n", `column "from" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := phonelog.NewReader(strings.NewReader(tt.input), phonelog.Generic, 7, testConfig)
			var got string
			if err == nil {
				var in channels.Inbound
				if in, err = rd.Next(); err == nil {
					got = fmt.Sprintf("%s %s %s %s", in.Direction, in.From.Value, in.Call.Disposition, in.SentAt.UTC().Format(time.RFC3339))
				}
			}
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExternalIDs(t *testing.T) {
	const row = `"","09121234567","100","c","","SIP/a","SIP/b","Dial","","2026-03-21 09:00:00","","2026-03-21 09:00:10",10,0,"BUSY","DOCUMENTATION"`
	tests := []struct {
		name, format, input, want string
	}{
		{"no uniqueid", "asterisk", row, `^cdr:[0-9a-f]{32}$`},
		{"uniqueid", "asterisk", row + `,"1774069200.1"`, `^cdr:1774069200\.1:[0-9a-f]{12}$`},
		{"empty uniqueid", "asterisk", row + `,"",""`, `^cdr:[0-9a-f]{32}$`},
		{"long uniqueid", "asterisk", row + `,"` + strings.Repeat("u", 300) + `"`, `^cdr:[0-9a-f]{32}$`},
		{"generic id", "generic", "id,start,from,to,disposition\n  g-1 ,2026-03-21 09:00:00,09121234567,101,busy", `^csv:g-1$`},
		{"long generic id", "generic", "id,start,from,to,disposition\n" + strings.Repeat("g", 300) + ",2026-03-21 09:00:00,09121234567,101,busy", `^csv:sha256:[0-9a-f]{32}$`},
		{"no generic id", "generic", "start,from,to,disposition\n2026-03-21 09:00:00,09121234567,101,busy", `^csv:[0-9a-f]{32}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := phonelog.NewReader(strings.NewReader(tt.input), phonelog.Format(tt.format), 7, testConfig)
			if err != nil {
				t.Fatal(err)
			}
			in, err := rd.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(tt.want).MatchString(in.ExternalID) {
				t.Errorf("external id %q, want %s", in.ExternalID, tt.want)
			}
		})
	}
	t.Run("same row quoted otherwise", func(t *testing.T) {
		a, _ := phonelog.NewReader(strings.NewReader(row), phonelog.Asterisk, 7, testConfig)
		b, _ := phonelog.NewReader(strings.NewReader(strings.ReplaceAll(row, `"`, ``)), phonelog.Asterisk, 7, testConfig)
		x, _ := a.Next()
		y, _ := b.Next()
		if x.ExternalID != y.ExternalID || x.ExternalID == "" {
			t.Errorf("%q != %q", x.ExternalID, y.ExternalID)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  phonelog.Config
		want string // empty: valid
	}{
		{"zero", phonelog.Config{}, ""},
		{"full", phonelog.Config{Ours: []string{"1XX", "_5NXX.", "0217777*", "+98 21 8877 6655"}, RecordingURL: "https://x/{{.UniqueID}}"}, ""},
		{"empty entry", phonelog.Config{Ours: []string{" "}}, "no digits"},
		{"word", phonelog.Config{Ours: []string{"reception"}}, "not a digit"},
		{"one-digit extensions", phonelog.Config{Ours: []string{"X"}}, ""},
		{"unknown template field", phonelog.Config{RecordingURL: "{{.Secret}}"}, "Secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v, want %q", err, tt.want)
			}
		})
	}
}
