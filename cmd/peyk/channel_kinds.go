package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/web"
)

// channelKinds prints the channel kinds of this build: each with its
// settings (type, required, secret, default, help) and presets; --json
// prints what GET /api/v1/channel-kinds answers.
func channelKinds(args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("channel kinds", stderr)
	asJSON := fs.Bool("json", false, "print JSON (as GET /api/v1/channel-kinds)")
	if err := parse(fs, args); err != nil {
		return err
	}
	r := knownKinds()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"kinds": web.ChannelKinds(r)})
	}
	for _, k := range r.Kinds() {
		d, _ := r.Driver(k)
		fmt.Fprintf(stdout, "%s — %s\n", d.Kind, d.Label.En)
		printFields(stdout, "  ", d.Settings)
		for _, p := range d.Presets {
			b, _ := json.Marshal(p.Settings)
			fmt.Fprintf(stdout, "  preset %s (%s): %s\n", p.Name, p.Label.En, b)
		}
	}
	return nil
}

// printFields prints settings declarations one a line, nested ones
// indented under their object.
func printFields(w io.Writer, indent string, fields []channels.Field) {
	for _, f := range fields {
		var marks []string
		if f.Required {
			marks = append(marks, "required")
		}
		if f.Secret {
			marks = append(marks, "secret")
		}
		if f.Default != nil {
			marks = append(marks, fmt.Sprintf("default %v", f.Default))
		}
		if len(f.Choices) > 0 {
			marks = append(marks, strings.Join(f.Choices, "|"))
		}
		fmt.Fprintf(w, "%s%s %s [%s] %s\n", indent, f.Name, f.Type, strings.Join(marks, ", "), f.Help.En)
		printFields(w, indent+"  ", f.Fields)
	}
}
