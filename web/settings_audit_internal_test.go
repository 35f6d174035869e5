package web

import (
	"testing"

	"github.com/peykhq/peyk/inbox/audit"
)

// TestAuditSubjectsNamed checks that every subject type the writers use
// (and the log filters by) has a name in both languages.
func TestAuditSubjectsNamed(t *testing.T) {
	for _, s := range audit.Subjects {
		t.Run(s, func(t *testing.T) {
			m, ok := messages["audit.subject."+s]
			if !ok || m[0] == "" || m[1] == "" {
				t.Fatalf("no name for audit subject %q", s)
			}
		})
	}
}
