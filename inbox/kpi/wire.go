package kpi

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// instantsSQL is SQL for the instants col of the rows that pass filter,
// packed: each in PostgreSQL's binary form (8 bytes, microseconds since
// 2000-01-01), one after the other, in the rows' order (NULL when none).
// A year of them costs the database less this way than as an array
// (array_agg) or as seconds (date_part), and is decoded in Go without
// building a time.Time for each.
func instantsSQL(col, filter string) string {
	return `string_agg(timestamptz_send(` + col + `), ''::bytea) FILTER (WHERE ` + filter + `)`
}

// queryIntervals runs sql, a query of one row whose last two columns are
// instantsSQL of the starts and the ends of intervals (NULL::bytea when
// they are not needed), scanning the other columns into dest; it returns
// the starts and ends in microseconds since 1970.
func queryIntervals(ctx context.Context, tx pgx.Tx, sql string, args pgx.NamedArgs, dest ...any) (starts, ends []int64, err error) {
	var a, b []byte
	if err := tx.QueryRow(ctx, sql, args).Scan(append(dest, &a, &b)...); err != nil {
		return nil, nil, err
	}
	return intervals(a, b)
}

// intervals decodes the packed starts a and ends b of intervals.
func intervals(a, b []byte) (starts, ends []int64, err error) {
	if starts, err = instants(a); err == nil {
		ends, err = instants(b)
	}
	return starts, ends, err
}

// pgEpoch is PostgreSQL's epoch, 2000-01-01 UTC, in microseconds since 1970.
const pgEpoch = 946_684_800_000_000

// instants decodes instants packed by instantsSQL into microseconds since
// 1970; an infinite instant is an error, as the report's are all finite.
func instants(b []byte) ([]int64, error) {
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("kpi: %d bytes of instants", len(b))
	}
	out := make([]int64, len(b)/8)
	for i := range out {
		v := int64(binary.BigEndian.Uint64(b[8*i:]))
		if v == math.MaxInt64 || v == math.MinInt64 {
			return nil, fmt.Errorf("kpi: an infinite instant")
		}
		out[i] = v + pgEpoch
	}
	return out, nil
}
