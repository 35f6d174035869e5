package phonelog

import (
	"context"

	"github.com/peykhq/peyk/channels"
)

// committer stores the batches sent on work until it is closed, and
// cancels the import with the first error.
func (im *importer) committer(ctx context.Context, work <-chan batch, cancel context.CancelCauseFunc) {
	bulk, isBulk := im.sink.(bulker)
	for b := range work {
		var err error
		if isBulk {
			err = im.commitBulk(ctx, bulk, b, work)
		} else {
			err = im.commit(ctx, b)
		}
		if err != nil {
			cancel(err)
		}
	}
}

// commitBulk stores first and the batches that follow it on work, up to
// Options.BatchSize calls, in one transaction of the bulk sink, which
// stages each batch as it comes and names the rows it rejects. Progress
// is shown as each batch is staged, and again with the new calls once
// they are committed.
func (im *importer) commitBulk(ctx context.Context, bulk bulker, first batch, work <-chan batch) error {
	calls, bad := 0, 0
	newCalls, err := bulk.IngestBulkParts(ctx, func(yield func([]channels.Inbound, func(int, error)) bool) {
		for b, ok := first, true; ok; b, ok = <-work {
			var errs []RowError
			if !yield(b.calls, func(i int, err error) { errs = append(errs, RowError{Line: b.lines[i], Err: err}) }) {
				return
			}
			calls, bad = calls+len(b.calls), bad+len(errs)
			im.done(b, errs, 0, 0)
			im.reuse(b)
			if calls >= im.opts.BatchSize {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	im.done(batch{}, nil, newCalls, calls-newCalls-bad)
	return nil
}

// commit stores a batch through a sink that is not a bulk sink: when the
// sink blames the rows, the batch is split to find the bad ones and the
// rest is stored (but when no row of a batch of several can be stored,
// the fault is not in the rows and commit fails).
func (im *importer) commit(ctx context.Context, b batch) error {
	s := &split{im: im, b: b}
	newCalls, err := s.ingest(ctx, 0, len(b.calls))
	if err == nil && len(s.bad) == len(b.calls) && len(b.calls) > 1 {
		err = s.bad[0].Err
	}
	if err != nil {
		return err
	}
	im.done(b, s.bad, newCalls, len(b.calls)-newCalls-len(s.bad))
	return nil
}

// done records the bad rows of a batch handed over and the new and
// duplicate calls committed, moves the progress up to where b was read
// (b may be empty), and reports it.
func (im *importer) done(b batch, bad []RowError, newCalls, dups int) {
	for _, e := range bad {
		im.fail(e)
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	p := &im.progress
	p.Imported += newCalls
	p.Duplicates += dups
	if b.line > p.Line {
		p.Line, p.Bytes, p.Rows, p.Skipped = b.line, b.bytes, b.rows, b.skipped
	}
	if im.opts.Progress != nil {
		im.opts.Progress(*p)
	}
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
