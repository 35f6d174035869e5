package templates

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// defaultNames are the templates every installation has.
var defaultNames = []string{"followup.nudge", "reminder.callback", "reply.signature", "scheduled.generic", "sla.breach.agent", "warranty.expiry"}

func TestDefaults(t *testing.T) {
	defaults, err := loadDefaults(defaultFiles)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range defaults {
		if !slices.Contains(names, k.name) {
			names = append(names, k.name)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, defaultNames) {
		t.Errorf("defaults %v, want %v", names, defaultNames)
	}
	// What the sample data must show in each message.
	want := map[string][2][]string{ // name → fa, en
		"reminder.callback": {{"شنبه ۱۵ فروردین ۱۴۰۵", "ساعت ۱۰:۰۰", "سارا احمدی (+989121234567)", "گفت\u200cوگوی #۱۰۴۲", "یادداشت: "},
			{"Saturday 4 April 2026 at 10:00", "Sara Ahmadi (+989121234567)", "Conversation #1042", "Note: "}},
		"followup.nudge":    {{"سلام سارا احمدی،", "درخواست"}, {"Hi Sara,", "your request"}},
		"scheduled.generic": {{"سلام سارا احمدی،", "تعمیرکار", "رضا کریمی"}, {"Hi Sara,", "technician", "Reza Karimi"}},
		"sla.breach.agent":  {{"#۱۰۴۲", "۱۴۰۵/۰۱/۱۵ ساعت ۱۰:۰۰", "به شما سپرده"}, {"#1042", "10:00 on 4 April 2026", "assigned to you"}},
		"warranty.expiry":   {{"یخچال ساید بای ساید", "۱۵ فروردین ۱۴۰۵"}, {"side-by-side fridge", "4 April 2026"}},
		"reply.signature":   {{"با احترام،\nرضا کریمی\nخدمات پس از فروش آرین"}, {"Best regards,\nReza Karimi\nArian After-Sales"}},
	}
	for _, name := range defaultNames {
		for i, locale := range []string{Persian, English} {
			for _, kind := range []Kind{Text, Email} {
				t.Run(name+"/"+locale+"/"+string(kind), func(t *testing.T) {
					tpl, ok := defaults[key{name, locale, kind}]
					if !ok {
						t.Fatal("missing")
					}
					if tpl.Description == "" || tpl.Overridden || tpl.Custom {
						t.Errorf("description %q overridden %v custom %v", tpl.Description, tpl.Overridden, tpl.Custom)
					}
					if err := Validate(tpl); err != nil {
						t.Fatal(err)
					}
					r, err := tpl.Render(Sample(locale))
					if err != nil {
						t.Fatal(err)
					}
					all := r.Subject + "\n" + r.Text + "\n" + r.HTML
					for _, w := range want[name][i] {
						if !strings.Contains(all, w) {
							t.Errorf("message lacks %q:\n%s", w, all)
						}
					}
					if strings.Contains(all, "<no value>") || strings.Contains(all, "%!") || r.Text == "" || r.Locale != locale {
						t.Errorf("rendered badly:\n%s", all)
					}
					if locale == Persian && strings.Contains(r.Text, "2026") {
						t.Errorf("a Gregorian year in Persian text:\n%s", r.Text)
					}
					if locale == English && strings.ContainsAny(all, "۰۱۲۳۴۵۶۷۸۹") {
						t.Errorf("Persian digits in English:\n%s", all)
					}
					if kind == Email {
						if (r.Subject == "") != (name == "reply.signature") || r.HTML == "" {
							t.Errorf("subject %q, html %q", r.Subject, r.HTML)
						}
						if locale == Persian && !strings.Contains(r.HTML, `dir="rtl"`) {
							t.Errorf("Persian HTML is not right-to-left:\n%s", r.HTML)
						}
					}
					if _, err := tpl.Render(Data{}); err != nil {
						t.Errorf("with no data: %v", err)
					}
				})
			}
		}
	}
}

func TestParseDefault(t *testing.T) {
	ts, err := parseDefault("x", "en", "What x is for,\n  in two lines.\n-- text --\nhi\n\n-- email.subject --\n  Subject  \n-- email.text --\nbody\n-- email.html --\n<p>hi</p>\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []Template{
		{Name: "x", Locale: "en", Kind: Text, Body: "hi", Description: "What x is for, in two lines."},
		{Name: "x", Locale: "en", Kind: Email, Subject: "Subject", Body: "body", HTML: "<p>hi</p>", Description: "What x is for, in two lines."},
	}
	if !slices.Equal(ts, want) {
		t.Errorf("got %+v\nwant %+v", ts, want)
	}
	for _, bad := range []string{
		"no sections",
		"-- sms --\nx",
		"-- text --\nx\n-- text --\ny",
		"-- email.subject --\ns",
		"-- email.html --\n<p>",
	} {
		if _, err := parseDefault("x", "en", bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := loadDefaults(fstest.MapFS{"defaults/fa/x.tmpl": {Data: []byte("-- texts --\n")}}); err == nil || !strings.Contains(err.Error(), "defaults/fa/x.tmpl") {
		t.Errorf("a bad file gave %v", err)
	}
}
