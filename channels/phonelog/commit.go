package phonelog

import (
	"context"
)

// commit stores a batch: in one go through a bulk sink, which names the
// rows it rejects; otherwise, when the sink blames the rows, the batch is
// split to find the bad ones and the rest is stored (but when no row of a
// batch of several can be stored, the fault is not in the rows and commit
// fails).
func (im *importer) commit(ctx context.Context, b batch) error {
	s := &split{im: im, b: b}
	var newCalls int
	var err error
	if bulk, ok := im.sink.(bulker); ok {
		// The bulk sink judges each row: a batch of bad rows is just that.
		newCalls, err = bulk.IngestBulk(ctx, b.calls, func(i int, err error) {
			s.bad = append(s.bad, RowError{Line: b.lines[i], Err: err})
		})
	} else {
		newCalls, err = s.ingest(ctx, 0, len(b.calls))
		if err == nil && len(s.bad) == len(b.calls) && len(b.calls) > 1 {
			err = s.bad[0].Err
		}
	}
	if err != nil {
		return err
	}
	for _, e := range s.bad {
		im.fail(e)
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	p := &im.progress
	p.Imported += newCalls
	p.Duplicates += len(b.calls) - newCalls - len(s.bad)
	if b.line > p.Line {
		p.Line, p.Bytes, p.Rows, p.Skipped = b.line, b.bytes, b.rows, b.skipped
	}
	if im.opts.Progress != nil {
		im.opts.Progress(*p)
	}
	return nil
}

// split is one batch being committed, perhaps in parts.
type split struct {
	im  *importer
	b   batch
	bad []RowError
}

// ingest stores calls[lo:hi] and returns how many were new.
func (s *split) ingest(ctx context.Context, lo, hi int) (int, error) {
	n, err := s.send(ctx, lo, hi)
	if err == nil || !s.im.opts.Invalid(err) || ctx.Err() != nil {
		return n, err
	}
	if hi-lo == 1 {
		s.bad = append(s.bad, RowError{Line: s.b.lines[lo], Err: err})
		return 0, nil
	}
	mid := (lo + hi) / 2
	left, err := s.ingest(ctx, lo, mid)
	if err != nil {
		return 0, err
	}
	right, err := s.ingest(ctx, mid, hi)
	return left + right, err
}

// send hands calls[lo:hi] to the sink.
func (s *split) send(ctx context.Context, lo, hi int) (int, error) {
	calls := s.b.calls[lo:hi]
	if c, ok := s.im.sink.(counter); ok {
		return c.IngestCount(ctx, calls)
	}
	if err := s.im.sink.Ingest(ctx, calls); err != nil {
		return 0, err
	}
	return len(calls), nil
}
