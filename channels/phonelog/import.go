package phonelog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/peykhq/peyk/channels"
)

// Options tunes Import. The zero value is usable.
type Options struct {
	// BatchSize is how many calls go into one transaction (one sink
	// call). Default 1000, or BulkSize for a sink that stores batches in
	// bulk (the inbox's IngestBulkParts).
	BatchSize int
	// PartSize is how many calls a bulk sink is handed at a time: it
	// stages each part as it comes, so that only the parts being filled
	// and staged are held in memory. Default BulkPart, at most
	// BatchSize; without a bulk sink, BatchSize.
	PartSize int
	// Parallel is how many batches may be committing at once, while the
	// next ones are read. Each customer's calls go through one committer,
	// so they are stored in file order (the first call from a new number
	// names its contact). Default 2.
	Parallel int
	// Progress, if set, is called after each batch handed over (with
	// its bad rows), after each committed transaction (with its new
	// calls) and once at the end, from one goroutine at a time.
	Progress func(Progress)
	// MaxErrors is how many RowErrors Stats.Errors keeps; all are counted
	// in Failed. Default 1000.
	MaxErrors int
	// Invalid reports whether an Ingest error blames the rows (the inbox's
	// ErrInvalid) rather than the database. The batch is then split to find
	// the rows at fault, which are reported as RowErrors, and the rest is
	// imported. Nil means errors.Is(err, channels.ErrInvalid).
	Invalid func(error) bool
}

// Counts says what became of the rows read so far.
type Counts struct {
	// Rows is every data row read: Imported + Duplicates + Skipped + Failed
	// once the import is over.
	Rows int
	// Imported counts calls stored as new. A sink that cannot tell new
	// from already stored (it lacks IngestCount) counts all it took here.
	Imported int
	// Duplicates counts calls that were stored before (importing a file
	// again gives only duplicates).
	Duplicates int
	// Skipped counts calls skipped on purpose: internal ones, between two
	// of our own numbers, and inbound ones without a caller number
	// (anonymous, withheld, "Unknown").
	Skipped int
	// Failed counts bad rows.
	Failed int
}

// Progress is reported while importing.
type Progress struct {
	Counts
	// Line and Bytes are how far the input has been read and handed over.
	Line  int
	Bytes int64
}

// Stats is the outcome of an import.
type Stats struct {
	Counts
	// Errors lists the bad rows by line, the first Options.MaxErrors
	// found.
	Errors []RowError
}

// Import reads every call from rd and hands them to sink in batches,
// returning once all are committed. Bad rows are counted, listed in
// Stats.Errors with their line numbers, and skipped; the rest is imported.
// Calls already stored are not stored again, so importing a file twice
// adds nothing. An error reading the input or storing a batch stops the
// import: Stats then says what was committed, and running the import again
// resumes safely.
func Import(ctx context.Context, rd *Reader, sink channels.Sink, opts Options) (Stats, error) {
	_, bulk := sink.(bulker)
	opts = opts.withDefaults(bulk)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	im := &importer{opts: opts, sink: sink, free: make(chan batch, opts.Parallel)}
	work := make([]chan batch, opts.Parallel)
	var wg sync.WaitGroup
	for i := range work {
		work[i] = make(chan batch)
		wg.Add(1)
		go func() {
			defer wg.Done()
			im.committer(ctx, work[i], cancel)
		}()
	}
	err := im.read(ctx, rd, work)
	for _, w := range work {
		close(w)
	}
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause // a batch failed
	} else if err == nil {
		err = ctx.Err() // the caller cancelled
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	im.progress.Rows, im.progress.Skipped = rd.Rows(), rd.Skipped()
	im.progress.Line, im.progress.Bytes = rd.Line(), rd.Offset()
	if opts.Progress != nil {
		opts.Progress(im.progress)
	}
	slices.SortStableFunc(im.errs, func(a, b RowError) int { return a.Line - b.Line })
	st := Stats{Counts: im.progress.Counts, Errors: im.errs}
	if err != nil {
		return st, fmt.Errorf("phonelog: import stopped near line %d: %w", rd.Line(), err)
	}
	return st, nil
}

// BulkSize is the default number of calls per transaction for a sink that
// stores batches in bulk: the more calls of a customer one transaction
// holds, the fewer times their conversation is written.
const BulkSize = 1_000_000

// BulkPart is the default number of calls handed to a bulk sink at a
// time.
const BulkPart = 100_000

func (o Options) withDefaults(bulk bool) Options {
	switch {
	case o.BatchSize > 0:
	case bulk:
		o.BatchSize = BulkSize
	default:
		o.BatchSize = 1000
	}
	switch {
	case !bulk || o.PartSize > o.BatchSize:
		o.PartSize = o.BatchSize
	case o.PartSize <= 0:
		o.PartSize = min(BulkPart, o.BatchSize)
	}
	if o.Parallel <= 0 {
		o.Parallel = 2
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 1000
	}
	if o.Invalid == nil {
		o.Invalid = func(err error) bool { return errors.Is(err, channels.ErrInvalid) }
	}
	return o
}
