package generic

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzResponseID feeds arbitrary send replies to the id extraction, by
// response_id_regexp and by response_id_path: it never panics, and an id
// it finds is trimmed, valid UTF-8 and taken from the reply.
func FuzzResponseID(f *testing.F) {
	f.Add(`^OK (\d+)`, "OK 12345")
	f.Add(`^(\d+): Accepted`, "0: Accepted for delivery")
	f.Add(`msgid=([^;]*)`, "status=0; msgid= A-9 ;")
	f.Add(`id":"([^"]+)`, `{"id":"m-1"}`)
	f.Add(`(.*)`, "\xff\xfe id")
	f.Fuzz(func(t *testing.T, pattern, reply string) {
		re, err := regexp.Compile(pattern)
		if err == nil && re.NumSubexp() == 1 {
			id, ok := matchID(re, []byte(reply))
			if ok {
				if id == "" || id != strings.TrimSpace(id) || !utf8.ValidString(id) {
					t.Fatalf("matchID(%q, %q) = %q", pattern, reply, id)
				}
				if utf8.ValidString(reply) && !strings.Contains(reply, id) {
					t.Fatalf("id %q is not in the reply %q", id, reply)
				}
			}
		}
		g := &Gateway{cfg: Config{ResponseIDPath: pattern}}
		if id, ok := g.replyID([]byte(reply)); ok && id == "" {
			t.Fatalf("replyID(%q) found an empty id", reply)
		}
	})
}
