package inbox

import (
	"fmt"

	"github.com/peykhq/peyk/channels"
)

// The column messages.identity holds the customer's identity on a
// message (the sender of an inbound one, the recipient of a reply) as
// kind:value. Go code passes identities as channels.Identity; only these
// helpers know the column's encoding, and every statement reading or
// writing it goes through them.

// identityColumn returns id as messages.identity stores it.
func identityColumn(id channels.Identity) string {
	return string(id.Kind) + ":" + id.Value
}

// identitySQL returns the SQL expression of messages.identity for the
// SQL expressions kind and value.
func identitySQL(kind, value string) string {
	return fmt.Sprintf("%s || ':' || %s", kind, value)
}

// identityIs returns the SQL condition that the identity row alias (of
// contact_identities) is the one the messages.identity expression col
// names.
func identityIs(alias, col string) string {
	return fmt.Sprintf("%s = %s", identitySQL(alias+".kind", alias+".value"), col)
}

// identityKind returns the SQL expression of the kind in the
// messages.identity expression col.
func identityKind(col string) string {
	return fmt.Sprintf("split_part(%s, ':', 1)", col)
}

// identityValue returns the SQL expression of the value in the
// messages.identity expression col (which may itself hold colons).
func identityValue(col string) string {
	return fmt.Sprintf("substr(%[1]s, strpos(%[1]s, ':') + 1)", col)
}
