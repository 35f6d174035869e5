package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// The embedded defaults: defaults/LOCALE/NAME.tmpl, one file per name and
// locale. A file starts with a description of the template, then has
// sections, each opened by a line of its own:
//
//	-- text --           the Text template's body
//	-- email.subject --  the Email template's subject
//	-- email.text --     the Email template's plain-text body
//	-- email.html --     the Email template's HTML body
//
// A section's trailing line breaks are dropped.
//
//go:embed defaults
var defaultFiles embed.FS

// loadDefaults reads every default template in fsys.
func loadDefaults(fsys fs.FS) (map[key]Template, error) {
	files, err := fs.Glob(fsys, "defaults/*/*.tmpl")
	if err != nil {
		return nil, err
	}
	out := map[key]Template{}
	for _, file := range files {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(file), ".tmpl")
		locale := path.Base(path.Dir(file))
		ts, err := parseDefault(name, locale, string(src))
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", file, err)
		}
		for _, t := range ts {
			out[t.key()] = t
		}
	}
	return out, nil
}

// parseDefault splits one default file into its templates.
func parseDefault(name, locale, src string) ([]Template, error) {
	var desc []string
	sections := map[string]string{}
	var cur string
	var body []string
	flush := func() {
		if cur != "" {
			sections[cur] = strings.TrimRight(strings.Join(body, "\n"), "\n")
		}
	}
	for _, line := range strings.Split(src, "\n") {
		if s, ok := strings.CutPrefix(line, "-- "); ok && strings.HasSuffix(s, " --") {
			flush()
			cur, body = strings.TrimSuffix(s, " --"), nil
			switch _, seen := sections[cur]; {
			case cur != "text" && cur != "email.subject" && cur != "email.text" && cur != "email.html":
				return nil, fmt.Errorf("unknown section %q", cur)
			case seen:
				return nil, fmt.Errorf("section %q twice", cur)
			}
			sections[cur] = ""
			continue
		}
		if cur == "" {
			desc = append(desc, strings.TrimSpace(line))
		} else {
			body = append(body, line)
		}
	}
	flush()
	base := Template{Name: name, Locale: locale, Description: strings.TrimSpace(strings.Join(desc, " "))}
	var out []Template
	if b, ok := sections["text"]; ok {
		t := base
		t.Kind, t.Body = Text, b
		out = append(out, t)
	}
	if b, ok := sections["email.text"]; ok {
		t := base
		t.Kind, t.Body = Email, b
		t.Subject = strings.TrimSpace(sections["email.subject"])
		t.HTML = sections["email.html"]
		out = append(out, t)
	} else if sections["email.subject"] != "" || sections["email.html"] != "" {
		return nil, fmt.Errorf("an email subject or HTML body without email.text")
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no text or email.text section")
	}
	return out, nil
}
