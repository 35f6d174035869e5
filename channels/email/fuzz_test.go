package email

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/peykhq/peyk/crm"
)

// FuzzParse checks the promises Parse makes for any input: no panic, an
// Inbound the inbox accepts (a short valid external id, a sender that
// normalizes, valid UTF-8 text), and the raw mail kept whenever an error is
// returned.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(""))
	f.Add([]byte("\r\n\r\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: multipart/mixed; boundary=x\n\n--x--\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, updates, err := Parse(raw, "support@example.com")
		if in.ExternalID == "" || len(in.ExternalID) > 1000 || !utf8.ValidString(in.ExternalID) || strings.ContainsRune(in.ExternalID, 0) {
			t.Fatalf("external id %q is not storable", in.ExternalID)
		}
		if _, nerr := crm.Normalize(in.From); nerr != nil {
			t.Fatalf("sender %+v does not normalize: %v", in.From, nerr)
		}
		for what, s := range map[string]string{"text": in.Text, "html": in.HTML, "subject": in.Thread.Subject} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("%s is not valid UTF-8 without NUL: %q", what, s)
			}
		}
		if err != nil {
			if strings.TrimSpace(in.Text) == "" {
				t.Fatalf("error %v but no text", err)
			}
			if len(bytes.TrimSpace(raw)) > 0 {
				if len(in.Attachments) == 0 {
					t.Fatalf("error %v but nothing attached", err)
				}
				last := in.Attachments[len(in.Attachments)-1]
				if last.Name != "original.eml" || !bytes.Equal(last.Data, raw) {
					t.Fatalf("error %v but the raw mail is not attached", err)
				}
			}
		}
		for _, u := range updates {
			if u.MessageID == "" || u.Status == "" {
				t.Fatalf("update without message id or status: %+v", u)
			}
		}
	})
}
