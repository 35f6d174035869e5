package crm

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/channels"
)

// ErrRace reports that another transaction created one of the identities a
// Resolution meant to create. The caller rolls back and tries again; the
// next attempt finds the identity.
var ErrRace = errors.New("crm: identity created concurrently")

type key struct{ kind, value string }

// Resolution resolves groups of normalized identities to contacts inside a
// caller's transaction: one pipelined lookup, then one pipelined create, so
// a whole ingest batch costs two round trips. Each group is the identities
// one message proves belong to one customer, its sender first. Identities
// linked by any group end up on one contact: an identity seen for the
// first time joins the contact of its group, or a new contact, and two
// existing contacts linked by a group are merged into the older one.
type Resolution struct {
	groups  [][]channels.Identity
	keys    []key
	index   map[key]int
	parent  []int
	found   []int64 // contact id per key, 0 when new
	names   []string
	newKeys []int   // keys to insert
	keyTo   []int64 // contact id per key after Plan
	result  []int64 // contact id per group
	merges  [][2]int64
}

// NewResolution prepares the resolution of groups, whose identities must
// already be normalized (see Normalize). Empty groups are not allowed.
func NewResolution(groups [][]channels.Identity) *Resolution {
	r := &Resolution{groups: groups, index: make(map[key]int)}
	for _, g := range groups {
		first := -1
		for _, id := range g {
			k := key{string(id.Kind), id.Value}
			i, ok := r.index[k]
			if !ok {
				i = len(r.keys)
				r.index[k] = i
				r.keys = append(r.keys, k)
				r.parent = append(r.parent, i)
				r.names = append(r.names, "")
			}
			if r.names[i] == "" {
				r.names[i] = id.Name
			}
			if first < 0 {
				first = i
			} else {
				r.union(first, i)
			}
		}
	}
	r.found = make([]int64, len(r.keys))
	return r
}

func (r *Resolution) root(i int) int {
	for r.parent[i] != i {
		r.parent[i] = r.parent[r.parent[i]]
		i = r.parent[i]
	}
	return i
}

func (r *Resolution) union(a, b int) {
	ra, rb := r.root(a), r.root(b)
	if ra < rb {
		r.parent[rb] = ra
	} else if rb < ra {
		r.parent[ra] = rb
	}
}

// QueueLookup queues the query that finds which identities already exist.
func (r *Resolution) QueueLookup(b *pgx.Batch) {
	kinds := make([]string, len(r.keys))
	values := make([]string, len(r.keys))
	for i, k := range r.keys {
		kinds[i], values[i] = k.kind, k.value
	}
	// LATERAL … LIMIT 1 keeps the planner on the unique index: a hash join
	// over a scan of the whole table grows with it.
	b.Queue(`SELECT q.kind, q.value, i.contact_id
		FROM unnest($1::text[], $2::text[]) AS q(kind, value)
		CROSS JOIN LATERAL (SELECT contact_id FROM contact_identities
			WHERE kind = q.kind AND value = q.value LIMIT 1) i`,
		kinds, values).Query(func(rows pgx.Rows) error {
		var k key
		var id int64
		_, err := pgx.ForEachRow(rows, []any{&k.kind, &k.value, &id}, func() error {
			r.found[r.index[k]] = id
			return nil
		})
		return err
	})
}

// Plan decides, after the lookup has run, which contacts and identities
// must be created, and returns how many new contact ids it needs.
func (r *Resolution) Plan() int {
	compContact := make(map[int]int64)
	for i, id := range r.found {
		root := r.root(i)
		if id != 0 && (compContact[root] == 0 || id < compContact[root]) {
			compContact[root] = id
		}
	}
	r.keyTo = make([]int64, len(r.keys))
	need := 0
	for i := range r.keys {
		root := r.root(i)
		switch {
		case r.found[i] != 0:
			// Identities proven to be one customer's but found on two
			// contacts: the older contact absorbs the other (MergeTx).
			r.keyTo[i] = compContact[root]
			if r.found[i] != compContact[root] {
				r.addMerge(compContact[root], r.found[i])
			}
		case compContact[root] != 0:
			r.keyTo[i] = compContact[root]
			r.newKeys = append(r.newKeys, i)
		default:
			r.newKeys = append(r.newKeys, i)
			if root == i {
				need++
			}
		}
	}
	return need
}

func (r *Resolution) addMerge(target, source int64) {
	for _, m := range r.merges {
		if m == [2]int64{target, source} {
			return
		}
	}
	r.merges = append(r.merges, [2]int64{target, source})
}

// Merges returns, after Plan, the contacts to merge as {target, source}
// pairs: a group held identities of two existing contacts, such as a
// Telegram user sharing their own phone number that another contact has.
// The caller runs MergeTx for each, after locking Existing.
func (r *Resolution) Merges() [][2]int64 { return r.merges }

// Existing returns the ids of the contacts that already existed, for the
// caller to lock.
func (r *Resolution) Existing() []int64 {
	var ids []int64
	seen := make(map[int64]bool)
	for _, id := range r.found {
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// QueueCreate queues the inserts of the new contacts, numbered with ids
// (as many as Plan asked for, taken from contacts_id_seq), and of the new
// identities. The identity insert fails with ErrRace when another
// transaction created one of them first.
func (r *Resolution) QueueCreate(b *pgx.Batch, ids []int64) {
	var cIDs []int64
	var cNames, cFolds []string
	next := 0
	rootContact := make(map[int]int64)
	for i := range r.keys {
		if r.keyTo[i] != 0 {
			continue
		}
		root := r.root(i)
		if rootContact[root] == 0 {
			id := ids[next]
			next++
			rootContact[root] = id
			name := r.componentName(root)
			cIDs, cNames, cFolds = append(cIDs, id), append(cNames, name), append(cFolds, Fold(name))
		}
		r.keyTo[i] = rootContact[root]
	}
	if len(cIDs) > 0 {
		b.Queue(`INSERT INTO contacts (id, name, name_fold)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`, cIDs, cNames, cFolds)
	}
	if len(r.newKeys) > 0 {
		owners := make([]int64, len(r.newKeys))
		kinds := make([]string, len(r.newKeys))
		values := make([]string, len(r.newKeys))
		for j, i := range r.newKeys {
			owners[j], kinds[j], values[j] = r.keyTo[i], r.keys[i].kind, r.keys[i].value
		}
		want := int64(len(r.newKeys))
		b.Queue(`INSERT INTO contact_identities (contact_id, kind, value)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(c, k, v)
			ORDER BY k, v
			ON CONFLICT (kind, value) DO NOTHING`, owners, kinds, values).Exec(func(ct pgconn.CommandTag) error {
			if ct.RowsAffected() != want {
				return ErrRace
			}
			return nil
		})
	}
	r.result = make([]int64, len(r.groups))
	for g, ids := range r.groups {
		r.result[g] = r.keyTo[r.index[key{string(ids[0].Kind), ids[0].Value}]]
	}
}

func (r *Resolution) componentName(root int) string {
	for i, n := range r.names {
		if n != "" && r.root(i) == root {
			return n
		}
	}
	return ""
}

// Contact returns the contact id of group g, after QueueCreate.
func (r *Resolution) Contact(g int) int64 { return r.result[g] }

// QueueIDs queues the allocation of n ids from the sequence seq (such as
// "contacts_id_seq") and stores them in *into.
func QueueIDs(b *pgx.Batch, seq string, n int, into *[]int64) {
	if n == 0 {
		return
	}
	b.Queue(`SELECT nextval($1::regclass) FROM generate_series(1, $2)`, seq, n).Query(func(rows pgx.Rows) error {
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("crm: allocate ids: %w", err)
		}
		*into = ids
		return nil
	})
}

// Known returns the contact of group g when it already exists, after Plan;
// 0 means the group's contact is created by QueueCreate.
func (r *Resolution) Known(g int) int64 {
	id := r.groups[g][0]
	return r.keyTo[r.index[key{string(id.Kind), id.Value}]]
}
