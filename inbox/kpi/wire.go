package kpi

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// queryIntervals runs sql, a query of one row whose last two columns are
// timestamptz[] (NULL unless business hours are asked for), scanning the
// other columns into dest; it returns the two arrays as microseconds
// since 1970. They are read from the wire as they are: a year of
// instants converted by date_part or decoded into time.Time costs more
// than the rest of the report part.
func queryIntervals(ctx context.Context, tx pgx.Tx, sql string, args pgx.NamedArgs, dest ...any) (starts, ends []int64, err error) {
	rows, _ := tx.Query(ctx, sql, args)
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
		return nil, nil, pgx.ErrNoRows
	}
	raw := rows.RawValues()
	if len(raw) != len(dest)+2 {
		return nil, nil, fmt.Errorf("kpi: %d columns for %d values and two arrays", len(raw), len(dest))
	}
	formats := rows.FieldDescriptions()
	for i, k := range []int{len(dest), len(dest) + 1} {
		if formats[k].Format != pgx.BinaryFormatCode {
			return nil, nil, fmt.Errorf("kpi: instants column %d not in binary", k)
		}
		got, err := instants(raw[k])
		if err != nil {
			return nil, nil, err
		}
		if i == 0 {
			starts = got
		} else {
			ends = got
		}
	}
	if err := rows.Scan(append(dest, nil, nil)...); err != nil {
		return nil, nil, err
	}
	rows.Close()
	return starts, ends, rows.Err()
}

// pgEpoch is PostgreSQL's epoch, 2000-01-01 UTC, in microseconds since 1970.
const pgEpoch = 946_684_800_000_000

// instants decodes a timestamptz[] in PostgreSQL's binary format (nil for
// NULL) into microseconds since 1970; a NULL element or an infinite
// instant is an error, as the report's instants are all finite.
func instants(b []byte) ([]int64, error) {
	if b == nil {
		return nil, nil
	}
	bad := func(what string) error { return fmt.Errorf("kpi: timestamptz[]: %s", what) }
	if len(b) < 12 {
		return nil, bad("short header")
	}
	ndim, elem := int32(binary.BigEndian.Uint32(b)), binary.BigEndian.Uint32(b[8:])
	switch {
	case ndim == 0:
		return nil, nil
	case ndim != 1 || len(b) < 20:
		return nil, bad("not one dimension")
	case elem != pgtype.TimestamptzOID:
		return nil, bad("elements are not timestamptz")
	}
	n := int(int32(binary.BigEndian.Uint32(b[12:])))
	b = b[20:]
	if n < 0 || len(b) != 12*n {
		return nil, bad("length does not match")
	}
	out := make([]int64, n)
	for i := range out {
		if binary.BigEndian.Uint32(b) != 8 {
			return nil, bad("a NULL or odd-sized element")
		}
		v := int64(binary.BigEndian.Uint64(b[4:]))
		if v == math.MaxInt64 || v == math.MinInt64 {
			return nil, bad("an infinite instant")
		}
		out[i] = v + pgEpoch
		b = b[12:]
	}
	return out, nil
}
