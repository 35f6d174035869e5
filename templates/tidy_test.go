package templates

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestTidy(t *testing.T) {
	const x = emptyMark // where an action printed nothing
	cases := []struct{ name, in, want string }{
		{"empty name before a Persian comma", "سلام " + x + "،", "سلام،"},
		{"empty name before a comma", "Hi " + x + ",\nthanks", "Hi,\nthanks"},
		{"between words", "تا " + x + " ساعت", "تا ساعت"},
		{"two in a row", "تا " + x + " " + x + " ساعت", "تا ساعت"},
		{"in brackets", "درخواست شما (" + x + ") رسید", "درخواست شما رسید"},
		{"in guillemets", "گفت\u200cوگو «" + x + "» با", "گفت\u200cوگو با"},
		{"comma after a colon", "تماس: " + x + "، ساعت", "تماس: ساعت"},
		{"at a line start", "سلام\n" + x + "، خوبید؟", "سلام\nخوبید؟"},
		{"at a line end", "Thanks " + x + "\nBye", "Thanks\nBye"},
		{"data is not rewritten", "Note:  call  foo() \"\" ?", "Note:  call  foo() \"\" ?"},
		{"indentation kept", "  - " + x + "item", "  - item"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := tidy(c.in); got != c.want {
				t.Errorf("tidy(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestRenderMissingFirstName(t *testing.T) {
	cases := []struct{ locale, body, want string }{
		{Persian, "سلام {{.Contact.FirstName}}،\nپیام شما رسید.", "سلام،\nپیام شما رسید."},
		{English, "Hi {{.Contact.FirstName}}, your order #{{.Conversation.Ref}} shipped.", "Hi, your order #0 shipped."},
		{Persian, "{{.Contact.FirstName}} عزیز، سلام", "عزیز، سلام"},
		{English, "Note: {{.Text}}{{with .Agent.Name}} — {{.}}{{end}}", "Note:"},
		{Persian, "{{$n := .Contact.Name}}سلام {{$n}}، {{attr \"plan\" | default \"\"}} خوش آمدید", "سلام، خوش آمدید"},
	}
	for _, c := range cases {
		t.Run(c.locale+"/"+c.body, func(t *testing.T) {
			r, err := Template{Name: "x", Locale: c.locale, Kind: Text, Body: c.body}.Render(Data{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Text != c.want {
				t.Errorf("got %q, want %q", r.Text, c.want)
			}
		})
	}
}

// dangling finds what missing data leaves behind in a message: a blank
// before a mark, two blanks in a row, a mark left alone, empty brackets,
// a reference number of zero, a line that ends in a blank.
var dangling = regexp.MustCompile(`[ \t][،,.:;!?؛؟]|\S[ \t]{2}|[،,:][ \t]*[،,.]|^[،,:]|\(\s*\)|«\s*»|#[0۰](?:[^0-9۰-۹]|$)|[ \t]$|[ \t]\n`)

// TestShippedTemplatesWithMissingData renders every shipped template, in
// both languages and both kinds, with data missing in several ways, and
// finds no dangling comma, blank or empty reference in any part.
func TestShippedTemplatesWithMissingData(t *testing.T) {
	defaults, err := loadDefaults(defaultFiles)
	if err != nil {
		t.Fatal(err)
	}
	for k, tpl := range defaults {
		for _, c := range []struct {
			name string
			data func() Data
		}{
			{"empty data", func() Data { return Data{} }},
			{"no first name", func() Data {
				d := Sample(k.locale)
				d.Contact.FirstName = ""
				return d
			}},
			{"no contact, agent or company", func() Data {
				d := Sample(k.locale)
				d.Contact, d.Agent, d.Company = Contact{}, Agent{}, ""
				return d
			}},
			{"no conversation, due or text", func() Data {
				d := Sample(k.locale)
				d.Conversation, d.Due, d.Text, d.Link = Conversation{}, time.Time{}, "", ""
				return d
			}},
		} {
			t.Run(k.name+"/"+k.locale+"/"+string(k.kind)+"/"+c.name, func(t *testing.T) {
				r, err := tpl.Render(c.data())
				if err != nil {
					t.Fatal(err)
				}
				for part, s := range map[string]string{"subject": r.Subject, "text": r.Text, "html text": htmlText(r.HTML)} {
					for _, line := range strings.Split(s, "\n") {
						if m := dangling.FindString(line); m != "" {
							t.Errorf("%s: %q left in %q", part, m, line)
						}
					}
				}
			})
		}
	}
}

var (
	blockTags  = regexp.MustCompile(`\s*(?:<br>|</?(?:p|div)\b[^>]*>)\s*`)
	inlineTags = regexp.MustCompile(`<[^>]*>`)
)

// htmlText is the text of rendered HTML: paragraphs and line breaks
// become line breaks, other tags nothing.
func htmlText(s string) string {
	return inlineTags.ReplaceAllString(blockTags.ReplaceAllString(s, "\n"), "")
}
