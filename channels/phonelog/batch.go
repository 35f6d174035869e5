package phonelog

import (
	"context"
	"errors"
	"hash/fnv"
	"io"
	"iter"
	"sync"

	"github.com/peykhq/peyk/channels"
)

// counter is a sink that says how many messages were new, as the inbox's
// IngestCount does.
type counter interface {
	IngestCount(ctx context.Context, batch []channels.Inbound) (int, error)
}

// bulker is a sink that stores a large batch, handed over in parts, in
// one transaction and names the rows it rejects instead of failing the
// batch, as the inbox's IngestBulkParts does.
type bulker interface {
	IngestBulkParts(ctx context.Context, parts iter.Seq2[[]channels.Inbound, func(int, error)]) (int, error)
}

// batch is a run of calls and the lines they came from.
type batch struct {
	calls []channels.Inbound
	lines []int
	// Where the reader was when the batch was full.
	line, rows, skipped int
	bytes               int64
}

// importer holds the state shared by the reading and committing goroutines.
type importer struct {
	opts Options
	sink channels.Sink

	mu       sync.Mutex
	progress Progress
	errs     []RowError
	// free holds the buffers of batches a bulk sink has staged, for the
	// reader to fill again.
	free chan batch
}

// read fills batches from rd and sends them to the committers until the
// input ends, it fails, or ctx is done. Each customer's calls go to one
// committer, so they are stored in file order.
func (im *importer) read(ctx context.Context, rd *Reader, work []chan batch) error {
	bufs := make([]batch, len(work))
	for i := range bufs {
		bufs[i] = im.newBatch()
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		in, err := rd.Next()
		var re *RowError
		switch {
		case errors.As(err, &re):
			im.fail(*re)
			continue
		case err == io.EOF:
			for i, b := range bufs {
				if len(b.calls) > 0 {
					b.mark(rd)
					send(ctx, work[i], b)
				}
			}
			return nil
		case err != nil:
			return err
		}
		i := shard(in.From.Value, len(work))
		b := &bufs[i]
		b.calls = append(b.calls, in)
		b.lines = append(b.lines, rd.Line())
		if len(b.calls) == im.opts.PartSize {
			b.mark(rd)
			if !send(ctx, work[i], *b) {
				return nil
			}
			*b = im.newBatch()
		}
	}
}

// newBatch returns an empty batch with room for a part: a staged one's
// buffers if there is one, else new ones (growing a slice of a hundred
// thousand calls copied it over and over, and each new one is zeroed).
// A new one has room for a whole part up to BulkPart calls: one of 65,536
// grew twice on the way to the default part, which cost more than a
// second of CPU per million calls.
func (im *importer) newBatch() batch {
	select {
	case b := <-im.free:
		return batch{calls: b.calls[:0], lines: b.lines[:0]}
	default:
		n := min(im.opts.PartSize, BulkPart)
		return batch{calls: make([]channels.Inbound, 0, n), lines: make([]int, 0, n)}
	}
}

// reuse offers the buffers of a batch that is no longer needed to
// newBatch.
func (im *importer) reuse(b batch) {
	select {
	case im.free <- b:
	default:
	}
}

// shard picks the committer for a customer number from its last ten
// digits, which the ways of writing one number share.
func shard(number string, n int) int {
	if n == 1 {
		return 0
	}
	d, _ := digits(number)
	d = d[max(0, len(d)-10):]
	h := fnv.New32a()
	h.Write([]byte(d))
	return int(h.Sum32() % uint32(n))
}

func (b *batch) mark(rd *Reader) {
	b.line, b.rows, b.skipped, b.bytes = rd.Line(), rd.Rows(), rd.Skipped(), rd.Offset()
}

// send hands b to a committer and reports whether it could before ctx
// was done.
func send(ctx context.Context, work chan<- batch, b batch) bool {
	select {
	case work <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// fail records a bad row.
func (im *importer) fail(e RowError) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.progress.Failed++
	if len(im.errs) < im.opts.MaxErrors {
		im.errs = append(im.errs, e)
	}
}
