package crm

import "slices"

// LockSpace sets the advisory lock keys of contacts apart from the other
// advisory locks Peyk takes. Ingest, merges and undos lock the contacts
// they touch with LockSQL, in id order, so they never interleave.
const LockSpace = int64(1) << 62

// LockSQL takes the transaction-level advisory locks of the contacts in
// $1 (a bigint[] in ascending order); $2 is LockSpace.
const LockSQL = `SELECT pg_advisory_xact_lock($2 | x) FROM unnest($1::bigint[]) x`

// sortedIDs returns ids sorted and without repeats, the order locks are
// taken in.
func sortedIDs(ids ...int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
