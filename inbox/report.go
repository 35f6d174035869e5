package inbox

import (
	"context"
	"sync"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db"
)

// Report gathers what the Ingest and Update calls made under one context
// did: the provider ids of the messages they were given, how many were
// new, and the last error. The webhook layer reads it to log one line per
// webhook call and to answer 503 when the database could not be reached.
type Report struct {
	mu          sync.Mutex
	externalIDs []string
	stored      int
	err         error
}

type reportKey struct{}

// WithReport returns ctx carrying a new Report that Ingest and Update
// calls made under it fill.
func WithReport(ctx context.Context) (context.Context, *Report) {
	r := &Report{}
	return context.WithValue(ctx, reportKey{}, r), r
}

// reportOf returns the Report ctx carries, or nil.
func reportOf(ctx context.Context) *Report {
	r, _ := ctx.Value(reportKey{}).(*Report)
	return r
}

// noteIngest records an Ingest call in ctx's Report, if any.
func noteIngest(ctx context.Context, batch []channels.Inbound, stored int, err error) {
	r := reportOf(ctx)
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, in := range batch {
		r.externalIDs = append(r.externalIDs, in.ExternalID)
	}
	r.stored += stored
	if err != nil {
		r.err = err
	}
}

// noteUpdate records an Update call in ctx's Report, if any.
func noteUpdate(ctx context.Context, updates []channels.Update, err error) {
	r := reportOf(ctx)
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, u := range updates {
		id := u.ExternalID
		if id == "" {
			id = u.MessageID
		}
		r.externalIDs = append(r.externalIDs, id)
	}
	if err != nil {
		r.err = err
	}
}

// ExternalIDs returns the provider ids of the messages and updates the
// calls were given, in order.
func (r *Report) ExternalIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.externalIDs...)
}

// Stored returns how many new messages the calls stored.
func (r *Report) Stored() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stored
}

// Err returns the last error of the calls, or nil.
func (r *Report) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Unavailable reports whether the last call failed because the database
// could not be reached (db.IsTransient), after its retries.
func (r *Report) Unavailable() bool { return db.IsTransient(r.Err()) }
