package phonelog_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/phonelog"
)

// benchRows is the size of the generated CDR file: PEYK_BENCH_ROWS, else
// 1,000,000.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

var dispositions = []string{"ANSWERED", "ANSWERED", "ANSWERED", "NO ANSWER", "BUSY", "FAILED"}

var persianNames = []string{"علی رضایی", "سارا احمدی", "مریم کاظمی", "رضا کریمی", "Sara, Ahmadi"}

// writeCDRs writes n Master.csv rows (18 columns) from n/10 distinct
// callers, a fifth of them outbound from extensions, starting 2026-01-01.
func writeCDRs(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	start := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	callers := max(n/10, 1)
	for i := range n {
		t := start.Add(time.Duration(i) * 3 * time.Second)
		disp := dispositions[i%len(dispositions)]
		dur, bill := 10+i%600, 0
		if disp == "ANSWERED" {
			bill = dur - 5
		}
		customer := fmt.Sprintf("0912%07d", i%callers)
		src, dst, clid := customer, "100", fmt.Sprintf(`"""%s"" <%s>"`, persianNames[i%len(persianNames)], customer)
		if i%5 == 4 {
			src, dst, clid = "10"+strconv.Itoa(i%10), customer, `"""Reception"" <101>"`
		}
		answer := ""
		if bill > 0 {
			answer = t.Add(5 * time.Second).Format("2006-01-02 15:04:05")
		}
		_, err := fmt.Fprintf(bw, `"","%s","%s","from-trunk",%s,"SIP/trunk-%08x","SIP/100-%08x","Dial","SIP/100,30,tT","%s","%s","%s",%d,%d,"%s","DOCUMENTATION","%d.%d","lead, %d"`+"\n",
			src, dst, clid, i, i, t.Format("2006-01-02 15:04:05"), answer, t.Add(time.Duration(dur)*time.Second).Format("2006-01-02 15:04:05"),
			dur, bill, disp, t.Unix(), i, i%7)
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

// cdrFile returns a generated Master.csv of n rows in a temporary
// directory.
func cdrFile(b *testing.B, n int) string {
	b.Helper()
	name := filepath.Join(b.TempDir(), "Master.csv")
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := writeCDRs(f, n); err != nil {
		b.Fatal(err)
	}
	return name
}

// BenchmarkParseCDR reads a generated Master.csv (PEYK_BENCH_ROWS rows,
// default 1,000,000) from a file into Inbound values, without storing them.
func BenchmarkParseCDR(b *testing.B) {
	n := benchRows()
	name := cdrFile(b, n)
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rd, err := phonelog.NewReader(f, phonelog.Asterisk, 1, testConfig)
		if err != nil {
			b.Fatal(err)
		}
		calls := 0
		for {
			_, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			calls++
		}
		b.ReportMetric(float64(rd.Rows())/time.Since(start).Seconds(), "rows/s")
		f.Close()
		if calls+rd.Skipped() != n {
			b.Fatalf("%d calls and %d skipped of %d rows", calls, rd.Skipped(), n)
		}
	}
}

// benchBatch is Options.BatchSize for BenchmarkImportCDR:
// PEYK_BENCH_BATCH, else Import's default (BulkSize for the bulk path).
func benchBatch() int {
	n, _ := strconv.Atoi(os.Getenv("PEYK_BENCH_BATCH"))
	return n
}

// BenchmarkImportCDR imports a generated Master.csv (PEYK_BENCH_ROWS rows,
// default 1,000,000, from a tenth as many callers) into the real inbox
// through Import, as peyk import-calls does, with one and two batches
// committing at once. Run it with -benchtime 1x.
//
// ImportCDR/live imports through the live ingest instead (Ingest in
// batches of 1,000, two in flight), for comparison.
func BenchmarkImportCDR(b *testing.B) {
	for _, parallel := range []int{1, 2, 0} {
		name := "parallel=" + strconv.Itoa(parallel)
		if parallel == 0 {
			name, parallel = "live", 2
		}
		b.Run(name, func(b *testing.B) {
			n := benchRows()
			name := cdrFile(b, n)
			e := newEnv(b)
			b.ResetTimer()
			for iter := 0; b.Loop(); iter++ {
				b.StopTimer()
				ch, err := e.ib.CreateChannel(context.Background(), "phone", "pbx "+strconv.Itoa(iter), nil)
				if err != nil {
					b.Fatal(err)
				}
				f, err := os.Open(name)
				if err != nil {
					b.Fatal(err)
				}
				rd, err := phonelog.NewReader(f, phonelog.Asterisk, ch, testConfig)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				var sink channels.Sink = e.ib
				if name == "live" {
					sink = liveSink{e.ib}
				}
				st, err := phonelog.Import(context.Background(), rd, sink, phonelog.Options{Parallel: parallel, BatchSize: benchBatch(), Invalid: inboxInvalid})
				elapsed := time.Since(start)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				if st.Imported+st.Skipped != n || st.Failed != 0 {
					b.Fatalf("stats %+v of %d rows", st.Counts, n)
				}
				b.ReportMetric(float64(st.Rows)/elapsed.Seconds(), "rows/s")
			}
		})
	}
}
