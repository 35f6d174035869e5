package kpi

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// requests counts the conversations started in the period per day and
// channel, and names the channels. Imported history (conversations.history,
// migration 00017) is no request. Its counts per day are the backlog's
// starts too.
func requests(ctx context.Context, tx pgx.Tx, q Query, cal *calendar, r *Report) error {
	sql := `SELECT ` + cal.daySQL("c.created_at") + `, COALESCE(c.channel_id, 0), count(*)
		FROM conversations c
		WHERE c.created_at >= @from AND c.created_at < @to AND NOT c.history AND ` + ownedSQL + `
		GROUP BY 1, 2`
	if fromDaily(q, cal) {
		sql = dailyRequestsSQL
	}
	rows, _ := tx.Query(ctx, sql, cal.args(q))
	days := make(map[time.Time]tally)
	perChannel := make(map[int64]int)
	r.starts = make(map[time.Time]int)
	var day time.Time
	var channel int64
	var n int
	_, err := pgx.ForEachRow(rows, []any{&day, &channel, &n}, func() error {
		d := cal.dayOf(day)
		t := days[d]
		t.add(channel, n, true)
		days[d] = t
		perChannel[channel] += n
		r.starts[d] += n
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

// dailyRequestsSQL reads requests' counts per day and channel from the
// daily rollup (kpi_daily, migration 00025), for fromDaily's queries.
const dailyRequestsSQL = `SELECT d.day::timestamp AT TIME ZONE @zone, d.channel_id, sum(d.requests)::int
	FROM kpi_daily d
	WHERE d.day >= (@from AT TIME ZONE @zone)::date AND d.day < (@to AT TIME ZONE @zone)::date
		AND (@channel::bigint = 0 OR d.channel_id = @channel) AND (@team::bigint = 0 OR d.team_id = @team)
		AND (@agent::bigint = 0 OR d.agent_id = @agent)
	GROUP BY 1, 2`

// fromDaily says whether q's requests can be read from the daily rollup:
// its days are the rollup's (Zone) and its period is whole days.
func fromDaily(q Query, cal *calendar) bool {
	midnight := func(t time.Time) bool {
		t = t.In(cal.loc)
		return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
	}
	return q.Zone == Zone && midnight(q.From) && midnight(q.To)
}

// firstResponse measures the wait for the first reply and counts
// customers and exchanges over the requests of the period. A request
// waits from the customer's first message to the first message to them;
// conversations the agent started (replied before the customer wrote)
// have no wait. The agent filter keeps the first responses the agent
// wrote, and the waits still pending in their conversations.
func firstResponse(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	const askedSQL = `k.first_in_at IS NOT NULL AND (k.first_out_at IS NULL OR k.first_out_at >= k.first_in_at)`
	base := `FROM (SELECT c.contact_id, k.first_in_at, k.first_out_at, COALESCE(k.exchanges, 0) AS exchanges,
				@agent::bigint = 0 OR c.assignee_id = @agent AS owned, ` + askedSQL + ` AS asked,
				@agent::bigint = 0 OR k.first_out_by = @agent OR (k.first_out_at IS NULL AND c.assignee_id = @agent) AS mine
			FROM conversations c LEFT JOIN kpi_conversations k ON k.conversation_id = c.id
			WHERE c.created_at >= @from AND c.created_at < @to AND NOT c.history AND ` + convFilter + `) x`
	if !q.byConversation() {
		// Without a channel or team filter the waits come from
		// kpi_conversations alone (migration 00014 gave it the start): a
		// wait answered is the agent's when they wrote the first response.
		// The requests, customers, exchanges and pending waits are counted
		// below.
		base = `FROM (SELECT NULL::bigint AS contact_id, k.first_in_at, k.first_out_at, k.exchanges, true AS owned,
				` + askedSQL + ` AS asked, @agent::bigint = 0 OR k.first_out_by = @agent AS mine
			FROM kpi_conversations k WHERE k.created_at >= @from AND k.created_at < @to) x`
	}
	// In business hours the waits are measured in Go, from the ends of
	// each wait.
	times := avgSQL("first_in_at", "first_out_at", "asked AND mine") + `,
			` + p90SQL("first_in_at", "first_out_at", "asked AND mine AND first_out_at IS NOT NULL") + `,
			NULL::bytea, NULL::bytea`
	if q.BusinessHours {
		const answeredSQL = `asked AND mine AND first_out_at IS NOT NULL`
		times = `0::float8, 0::float8, ` + instantsSQL("first_in_at", answeredSQL) + `, ` + instantsSQL("first_out_at", answeredSQL)
	}
	var waits stats
	asked, answered, err := queryIntervals(ctx, tx, `SELECT count(DISTINCT contact_id) FILTER (WHERE owned), count(*) FILTER (WHERE owned),
			COALESCE(sum(exchanges) FILTER (WHERE owned), 0),
			count(*) FILTER (WHERE asked AND mine AND first_out_at IS NULL),
			count(*) FILTER (WHERE asked AND mine AND first_out_at IS NOT NULL),
			`+times+`
		`+base, q.args(), &r.Requests.Customers, &r.Exchanges.Requests, &r.Exchanges.Exchanges,
		&r.FirstResponse.Pending, &waits.n, &waits.avg, &waits.p90)
	if err != nil {
		return err
	}
	switch {
	case q.byConversation():
	case q.AgentID == 0:
		err = tx.QueryRow(ctx, `SELECT count(DISTINCT contact_id), count(*) FROM conversations
			WHERE created_at >= @from AND created_at < @to AND NOT history`, q.args()).Scan(&r.Requests.Customers, &r.Exchanges.Requests)
	default:
		// The agent's requests are those assigned to them now, and so are
		// the waits still pending.
		err = tx.QueryRow(ctx, `SELECT count(DISTINCT c.contact_id), count(*), COALESCE(sum(k.exchanges), 0),
				count(*) FILTER (WHERE `+askedSQL+` AND k.first_out_at IS NULL)
			FROM conversations c LEFT JOIN kpi_conversations k ON k.conversation_id = c.id
			WHERE c.created_at >= @from AND c.created_at < @to AND NOT c.history AND c.assignee_id = @agent`, q.args()).Scan(
			&r.Requests.Customers, &r.Exchanges.Requests, &r.Exchanges.Exchanges, &r.FirstResponse.Pending)
	}
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
