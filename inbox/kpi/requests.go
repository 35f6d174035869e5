package kpi

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// requests counts the conversations started in the period per day and
// channel, and names the channels.
func requests(ctx context.Context, tx pgx.Tx, q Query, cal *calendar, r *Report) error {
	rows, _ := tx.Query(ctx, `SELECT (c.created_at AT TIME ZONE @zone)::date, COALESCE(c.channel_id, 0), count(*)
		FROM conversations c
		WHERE c.created_at >= @from AND c.created_at < @to AND `+convFilter+`
			AND (@agent::bigint = 0 OR c.assignee_id = @agent)
		GROUP BY 1, 2`, q.args())
	days := make(map[time.Time]tally)
	perChannel := make(map[int64]int)
	var day time.Time
	var channel int64
	var n int
	_, err := pgx.ForEachRow(rows, []any{&day, &channel, &n}, func() error {
		t := days[day]
		t.add(channel, n, true)
		days[day] = t
		perChannel[channel] += n
		r.Requests.Total += n
		return nil
	})
	if err != nil {
		return err
	}
	s := cal.group(days)
	r.Requests.Daily, r.Requests.Weekly, r.Requests.Monthly = s.daily, s.weekly, s.monthly
	r.Requests.Weekdays, r.Requests.MonthDays = s.weekdays, s.monthDays

	rows, _ = tx.Query(ctx, `SELECT id, name, kind FROM channels ORDER BY id`)
	var ch Channel
	_, err = pgx.ForEachRow(rows, []any{&ch.ID, &ch.Name, &ch.Kind}, func() error {
		if n, ok := perChannel[ch.ID]; ok || q.ChannelID == 0 || q.ChannelID == ch.ID {
			ch.Count = n
			r.Requests.Channels = append(r.Requests.Channels, ch)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n := perChannel[0]; n > 0 {
		r.Requests.Channels = append(r.Requests.Channels, Channel{Name: "", Kind: "", Count: n})
	}
	return nil
}

// firstResponse measures the wait for the first reply and counts
// customers and exchanges over the requests of the period. A request
// waits from the customer's first message to the first message to them;
// conversations the agent started (replied before the customer wrote)
// have no wait. The agent filter keeps the first responses the agent
// wrote, and the waits still pending in their conversations.
func firstResponse(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	const base = `FROM (SELECT c.contact_id, k.first_in_at, k.first_out_at, COALESCE(k.exchanges, 0) AS exchanges,
				@agent::bigint = 0 OR c.assignee_id = @agent AS owned,
				k.first_in_at IS NOT NULL AND (k.first_out_at IS NULL OR k.first_out_at >= k.first_in_at) AS asked,
				@agent::bigint = 0 OR k.first_out_by = @agent OR (k.first_out_at IS NULL AND c.assignee_id = @agent) AS mine
			FROM conversations c LEFT JOIN kpi_conversations k ON k.conversation_id = c.id
			WHERE c.created_at >= @from AND c.created_at < @to AND ` + convFilter + `) x`
	// In business hours the waits are measured in Go, from the ends of
	// each wait.
	ends := `NULL::timestamptz[], NULL::timestamptz[]`
	if q.BusinessHours {
		ends = `array_agg(first_in_at) FILTER (WHERE asked AND mine AND first_out_at IS NOT NULL),
			array_agg(first_out_at) FILTER (WHERE asked AND mine AND first_out_at IS NOT NULL)`
	}
	var waits stats
	var asked, answered []time.Time
	err := tx.QueryRow(ctx, `SELECT count(DISTINCT contact_id) FILTER (WHERE owned), count(*) FILTER (WHERE owned),
			COALESCE(sum(exchanges) FILTER (WHERE owned), 0),
			count(*) FILTER (WHERE asked AND mine AND first_out_at IS NULL),
			count(*) FILTER (WHERE asked AND mine AND first_out_at IS NOT NULL),
			COALESCE(avg(extract(epoch FROM first_out_at - first_in_at)) FILTER (WHERE asked AND mine), 0),
			COALESCE(percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_out_at - first_in_at))
				FILTER (WHERE asked AND mine AND first_out_at IS NOT NULL), 0), `+ends+`
		`+base, q.args()).Scan(&r.Requests.Customers, &r.Exchanges.Requests, &r.Exchanges.Exchanges,
		&r.FirstResponse.Pending, &waits.n, &waits.avg, &waits.p90, &asked, &answered)
	if err != nil {
		return err
	}
	if r.Exchanges.Requests > 0 {
		r.Exchanges.Average = float64(r.Exchanges.Exchanges) / float64(r.Exchanges.Requests)
	}
	if q.BusinessHours {
		if waits, err = businessStats(asked, answered, *q.Hours); err != nil {
			return err
		}
	}
	r.FirstResponse = waits.durations(q.BusinessHours, r.FirstResponse.Pending)
	return nil
}

// stats is a count, average and p90 in seconds.
type stats struct {
	n        int
	avg, p90 float64
}

func (s stats) durations(business bool, pending int) Durations {
	return Durations{Count: s.n, Pending: pending, AverageSeconds: s.avg, P90Seconds: s.p90, BusinessHours: business}
}
