package crm_test

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
)

// addConversation inserts a conversation of contact with n messages and
// returns its id.
func addConversation(t *testing.T, pool *pgxpool.Pool, contact int64, n int) int64 {
	t.Helper()
	ctx := t.Context()
	var conv int64
	err := pool.QueryRow(ctx, `INSERT INTO conversations (contact_id, reply_token, subject)
		VALUES ($1, md5(random()::text), 'subject') RETURNING id`, contact).Scan(&conv)
	if err != nil {
		t.Fatalf("insert conversation: %v", err)
	}
	for i := range n {
		dir := "in"
		if i%2 == 1 {
			dir = "out"
		}
		if _, err := pool.Exec(ctx, `INSERT INTO messages (conversation_id, direction, kind, body)
			VALUES ($1, $2, 'text', $3)`, conv, dir, fmt.Sprint("message ", i)); err != nil {
			t.Fatalf("insert message: %v", err)
		}
	}
	return conv
}

// owners returns the contact of every conversation.
func owners(t *testing.T, pool *pgxpool.Pool) map[int64]int64 {
	t.Helper()
	rows, _ := pool.Query(t.Context(), `SELECT id, contact_id FROM conversations`)
	m := make(map[int64]int64)
	var conv, contact int64
	if _, err := pgx.ForEachRow(rows, []any{&conv, &contact}, func() error {
		m[conv] = contact
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// messagesOf counts the messages in the conversations of contact.
func messagesOf(t *testing.T, pool *pgxpool.Pool, contact int64) int {
	t.Helper()
	return count(t, pool, `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.contact_id = $1`, contact)
}

// sameContact compares two reads of a contact, ignoring updated_at, which
// every write changes.
func sameContact(t *testing.T, what string, got, want crm.Contact) {
	t.Helper()
	got.UpdatedAt = want.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// mustMerge calls Merge and fails the test on an error.
func mustMerge(t *testing.T, s *crm.Store, target, source int64) int64 {
	t.Helper()
	m, err := s.Merge(t.Context(), target, source, 0)
	if err != nil {
		t.Fatalf("Merge(%d, %d): %v", target, source, err)
	}
	return m
}

func ids(cs []crm.Contact) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestMergeAndUnmerge(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()

	target := resolve(t, s, named(email("target@example.com"), "Target Person"), phone("09121110000"))
	source := resolve(t, s, named(email("source@example.com"), "Source Person"), phone("09122220000"))
	other := resolve(t, s, named(email("other@example.com"), "Other Person"))
	for _, c := range []struct {
		id    int64
		tags  []string
		attrs map[string]any
	}{
		{target, []string{"vip", "shared"}, map[string]any{"city": "Tehran", "plan": "gold"}},
		{source, []string{"shared", "lead"}, map[string]any{"plan": "silver", "lang": "fa"}},
		{other, []string{"other"}, map[string]any{"plan": "bronze"}},
	} {
		if err := s.Tag(ctx, c.id, c.tags, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAttributes(ctx, c.id, c.attrs); err != nil {
			t.Fatal(err)
		}
	}
	targetConv := addConversation(t, pool, target, 2)
	sourceConvs := []int64{addConversation(t, pool, source, 3), addConversation(t, pool, source, 1)}
	otherConv := addConversation(t, pool, other, 1)

	beforeTarget, beforeSource, beforeOther := get(t, s, target), get(t, s, source), get(t, s, other)
	beforeOwners := owners(t, pool)

	mergeID, err := s.Merge(ctx, target, source, 0)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if mergeID <= 0 {
		t.Fatalf("Merge = %d, want a merge id", mergeID)
	}

	t.Run("merged", func(t *testing.T) {
		tc, sc := get(t, s, target), get(t, s, source)
		if got, want := identities(tc), []string{
			"email:source@example.com", "email:target@example.com",
			"phone:+989121110000", "phone:+989122220000",
		}; !slices.Equal(got, want) {
			t.Errorf("target identities = %v, want %v", got, want)
		}
		if len(sc.Identities) != 0 {
			t.Errorf("source identities = %v, want none", identities(sc))
		}
		if want := []string{"lead", "shared", "vip"}; !slices.Equal(tc.Tags, want) {
			t.Errorf("target tags = %q, want %q", tc.Tags, want)
		}
		if want := map[string]any{"city": "Tehran", "plan": "gold", "lang": "fa"}; !reflect.DeepEqual(tc.Attributes, want) {
			t.Errorf("target attributes = %v, want %v (target wins, missing keys copied)", tc.Attributes, want)
		}
		if tc.Name != "Target Person" {
			t.Errorf("target name = %q, want it kept", tc.Name)
		}
		if tc.MergedInto != nil {
			t.Errorf("target merged_into = %d, want nil", *tc.MergedInto)
		}
		if sc.MergedInto == nil || *sc.MergedInto != target {
			t.Errorf("source merged_into = %v, want %d", sc.MergedInto, target)
		}
		sameContact(t, "other contact", get(t, s, other), beforeOther)

		own := owners(t, pool)
		for _, c := range append([]int64{targetConv}, sourceConvs...) {
			if own[c] != target {
				t.Errorf("conversation %d belongs to %d, want the target %d", c, own[c], target)
			}
		}
		if own[otherConv] != other {
			t.Errorf("other's conversation moved to %d", own[otherConv])
		}
		if n := messagesOf(t, pool, target); n != 6 {
			t.Errorf("target has %d messages, want 6", n)
		}
		if n := messagesOf(t, pool, source); n != 0 {
			t.Errorf("source has %d messages, want 0", n)
		}

		if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = 'contact.merge'
			AND subject_type = 'contact' AND subject_id = $1 AND actor_id IS NULL
			AND (data->>'merge_id')::bigint = $2 AND (data->>'source_id')::bigint = $3`,
			target, mergeID, source); n != 1 {
			t.Errorf("%d contact.merge audit rows, want 1", n)
		}
		if n := count(t, pool, `SELECT count(*) FROM contact_merges WHERE id = $1
			AND target_id = $2 AND source_id = $3 AND undone_at IS NULL
			AND cardinality(identity_ids) = 2 AND cardinality(conversation_ids) = 2`,
			mergeID, target, source); n != 1 {
			t.Errorf("%d contact_merges rows, want 1", n)
		}

		for _, q := range []string{"Source Person", "source", "person"} {
			cs, err := s.Search(ctx, q, 50)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(ids(cs), source) {
				t.Errorf("Search(%q) = %v, still returns the merged source %d", q, ids(cs), source)
			}
		}
		cs, err := s.Search(ctx, "source@example", 50)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(cs); !slices.Equal(got, []int64{target}) {
			t.Errorf("Search(source's email) = %v, want [%d]", got, target)
		}
		for _, id := range []channels.Identity{email("SOURCE@example.com"), phone("۰۹۱۲۲۲۲۰۰۰۰")} {
			if got := resolve(t, s, id); got != target {
				t.Errorf("Resolve(%v) after merge = %d, want the target %d", id, got, target)
			}
		}
	})

	if err := s.Unmerge(ctx, mergeID, 0); err != nil {
		t.Fatalf("Unmerge: %v", err)
	}

	t.Run("unmerged", func(t *testing.T) {
		sameContact(t, "target after undo", get(t, s, target), beforeTarget)
		sameContact(t, "source after undo", get(t, s, source), beforeSource)
		sameContact(t, "other after undo", get(t, s, other), beforeOther)
		if got := owners(t, pool); !maps.Equal(got, beforeOwners) {
			t.Errorf("conversation owners = %v, want %v", got, beforeOwners)
		}
		if n := messagesOf(t, pool, source); n != 4 {
			t.Errorf("source has %d messages, want 4", n)
		}
		if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = 'contact.unmerge'
			AND subject_type = 'contact' AND subject_id = $1 AND (data->>'merge_id')::bigint = $2`,
			target, mergeID); n != 1 {
			t.Errorf("%d contact.unmerge audit rows, want 1", n)
		}
		if n := count(t, pool, `SELECT count(*) FROM contact_merges WHERE id = $1 AND undone_at IS NOT NULL`, mergeID); n != 1 {
			t.Errorf("merge %d not marked undone", mergeID)
		}
		if got := resolve(t, s, email("source@example.com")); got != source {
			t.Errorf("Resolve(source's email) after undo = %d, want %d", got, source)
		}
		cs, err := s.Search(ctx, "Source Person", 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(cs); !slices.Equal(got, []int64{source}) {
			t.Errorf("Search(source name) after undo = %v, want [%d]", got, source)
		}
	})
}

func TestMergeFillsEmptyNameAndUndoes(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	target := resolve(t, s, telegram("1001"))
	source := resolve(t, s, named(telegram("1002"), "علي رضايي"))
	before := get(t, s, target)
	m := mustMerge(t, s, target, source)
	if got := get(t, s, target).Name; got != "علي رضايي" {
		t.Errorf("target name = %q, want the source's name", got)
	}
	cs, err := s.Search(t.Context(), "علی", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cs); !slices.Equal(got, []int64{target}) {
		t.Errorf("Search(source's name) = %v, want [%d]", got, target)
	}
	if err := s.Unmerge(t.Context(), m, 0); err != nil {
		t.Fatal(err)
	}
	sameContact(t, "target after undo", get(t, s, target), before)
	cs, err = s.Search(t.Context(), "علی", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(cs); !slices.Equal(got, []int64{source}) {
		t.Errorf("Search(source's name) after undo = %v, want [%d]", got, source)
	}
}

func TestMergeAuditActor(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	var actor int64
	if err := pool.QueryRow(t.Context(), `INSERT INTO users (email, name, role)
		VALUES ('agent@example.com', 'Agent', 'agent') RETURNING id`).Scan(&actor); err != nil {
		t.Fatal(err)
	}
	a := resolve(t, s, email("a@example.com"))
	b := resolve(t, s, email("b@example.com"))
	m, err := s.Merge(t.Context(), a, b, actor)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Unmerge(t.Context(), m, actor); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE actor_id = $1
		AND action IN ('contact.merge', 'contact.unmerge')`, actor); n != 2 {
		t.Errorf("%d audit rows by the actor, want 2", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM contact_merges WHERE id = $1 AND actor_id = $2`, m, actor); n != 1 {
		t.Errorf("merge row without its actor")
	}
}

// TestUnmergeKeepsLaterAdditions checks that what the target gained after
// the merge stays with it when the merge is undone.
func TestUnmergeKeepsLaterAdditions(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	target := resolve(t, s, email("t@example.com"))
	source := resolve(t, s, email("s@example.com"))
	sourceConv := addConversation(t, pool, source, 1)
	m := mustMerge(t, s, target, source)
	if err := s.AddIdentity(t.Context(), target, phone("09123330000")); err != nil {
		t.Fatal(err)
	}
	laterConv := addConversation(t, pool, target, 1)
	if err := s.Unmerge(t.Context(), m, 0); err != nil {
		t.Fatal(err)
	}
	if got, want := identities(get(t, s, target)), []string{"email:t@example.com", "phone:+989123330000"}; !slices.Equal(got, want) {
		t.Errorf("target identities = %v, want %v", got, want)
	}
	if got, want := identities(get(t, s, source)), []string{"email:s@example.com"}; !slices.Equal(got, want) {
		t.Errorf("source identities = %v, want %v", got, want)
	}
	own := owners(t, pool)
	if own[sourceConv] != source || own[laterConv] != target {
		t.Errorf("owners = %v, want %d→%d and %d→%d", own, sourceConv, source, laterConv, target)
	}
}

func TestMergeErrors(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	a := resolve(t, s, email("a@example.com"))
	b := resolve(t, s, email("b@example.com"))
	c := resolve(t, s, email("c@example.com"))
	d := resolve(t, s, email("d@example.com"))
	mBA := mustMerge(t, s, b, a) // a is merged into b

	audits := func() int { return count(t, pool, `SELECT count(*) FROM audit_events`) }
	merges := func() int { return count(t, pool, `SELECT count(*) FROM contact_merges`) }
	beforeAudits, beforeMerges := audits(), merges()

	tests := []struct {
		name           string
		target, source int64
		want           error
	}{
		{"into itself", c, c, crm.ErrInvalid},
		{"unknown source", c, 4242, crm.ErrNotFound},
		{"unknown target", 4242, c, crm.ErrNotFound},
		{"both unknown", 4242, 4343, crm.ErrNotFound},
		{"source already merged", c, a, crm.ErrConflict},
		{"target already merged", a, c, crm.ErrConflict},
		{"merged source into its own target", b, a, crm.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := s.Merge(ctx, tt.target, tt.source, 0)
			wantErr(t, fmt.Sprintf("Merge(%d, %d)", tt.target, tt.source), err, tt.want)
			if m != 0 {
				t.Errorf("Merge = %d, want 0 on error", m)
			}
		})
	}
	if got := audits(); got != beforeAudits {
		t.Errorf("failed merges wrote %d audit rows", got-beforeAudits)
	}
	if got := merges(); got != beforeMerges {
		t.Errorf("failed merges wrote %d merge rows", got-beforeMerges)
	}
	if got := get(t, s, c); got.MergedInto != nil || len(got.Identities) != 1 {
		t.Errorf("contact c changed by failed merges: %+v", got)
	}

	wantErr(t, "Unmerge(unknown)", s.Unmerge(ctx, 4242, 0), crm.ErrNotFound)

	// b is merged into d: the merge of a into b cannot be undone until
	// that one is.
	mDB := mustMerge(t, s, d, b)
	wantErr(t, "Unmerge of a merge whose target was merged since", s.Unmerge(ctx, mBA, 0), crm.ErrConflict)
	if got := resolve(t, s, email("a@example.com")); got != d {
		t.Errorf("Resolve(a's email) = %d, want %d (a → b → d)", got, d)
	}
	if err := s.Unmerge(ctx, mDB, 0); err != nil {
		t.Fatalf("Unmerge(d←b): %v", err)
	}
	if err := s.Unmerge(ctx, mBA, 0); err != nil {
		t.Fatalf("Unmerge(b←a) after undoing d←b: %v", err)
	}
	wantErr(t, "Unmerge twice", s.Unmerge(ctx, mBA, 0), crm.ErrConflict)
	wantErr(t, "Unmerge twice", s.Unmerge(ctx, mDB, 0), crm.ErrConflict)
	for id, want := range map[int64]string{a: "email:a@example.com", b: "email:b@example.com", d: "email:d@example.com"} {
		got := get(t, s, id)
		if got.MergedInto != nil || !slices.Equal(identities(got), []string{want}) {
			t.Errorf("contact %d after undoing both: merged_into %v, identities %v", id, got.MergedInto, identities(got))
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = 'contact.unmerge'`); n != 2 {
		t.Errorf("%d contact.unmerge audit rows, want 2", n)
	}
}

// TestMergeConcurrent races opposite merges of two contacts, and two undos
// of one merge: exactly one of each pair wins, the other gets ErrConflict.
func TestMergeConcurrent(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	for round := range 5 {
		a := resolve(t, s, telegram(fmt.Sprint(1000+2*round)))
		b := resolve(t, s, telegram(fmt.Sprint(1001+2*round)))
		pairs := [2][2]int64{{a, b}, {b, a}}
		var merges [2]int64
		var errs [2]error
		var wg sync.WaitGroup
		for i, p := range pairs {
			wg.Go(func() { merges[i], errs[i] = s.Merge(t.Context(), p[0], p[1], 0) })
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if won >= 0 {
					t.Fatalf("round %d: both opposite merges succeeded", round)
				}
				won = i
			case !errors.Is(err, crm.ErrConflict):
				t.Fatalf("round %d: Merge(%d, %d): %v, want ErrConflict", round, pairs[i][0], pairs[i][1], err)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: neither merge succeeded", round)
		}
		winner, loser := pairs[won][0], pairs[won][1]
		if c := get(t, s, loser); c.MergedInto == nil || *c.MergedInto != winner {
			t.Errorf("round %d: loser merged_into = %v, want %d", round, c.MergedInto, winner)
		}
		if c := get(t, s, winner); c.MergedInto != nil || len(c.Identities) != 2 {
			t.Errorf("round %d: winner = %+v, want live with both identities", round, c)
		}

		for i := range errs {
			wg.Go(func() { errs[i] = s.Unmerge(t.Context(), merges[won], 0) })
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: two undos gave %v and %v, want one success", round, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && !errors.Is(err, crm.ErrConflict) {
				t.Errorf("round %d: second undo: %v, want ErrConflict", round, err)
			}
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = 'contact.unmerge'`); n != 5 {
		t.Errorf("%d contact.unmerge audit rows, want 5", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM contacts WHERE merged_into IS NOT NULL`); n != 0 {
		t.Errorf("%d contacts still merged after the undos", n)
	}
}
