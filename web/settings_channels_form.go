package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
)

// settingField is one input of a channel form, generated from the kind's
// channels.Field: its form name is "s." and the field's path ("imap.host").
type settingField struct {
	Path, Input, Type string
	Label, Help       string
	Required, Secret  bool
	// IsSet says a secret is stored (its value is never shown).
	IsSet   bool
	Value   string
	Choices []string
	Error   string
	Fields  []settingField
}

// fieldValues are a channel's settings as a form shows them: each field's
// text by path (secrets never among them).
type fieldValues map[string]string

// shownValues returns the form texts of settings (a JSON object) for
// fields: a stored value, else the field's default; nested objects by
// dotted path; secrets left out.
func shownValues(fields []channels.Field, settings json.RawMessage) fieldValues {
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(settings, &obj)
	out := fieldValues{}
	fillShown(out, "", fields, obj)
	return out
}

func fillShown(out fieldValues, prefix string, fields []channels.Field, obj map[string]json.RawMessage) {
	for _, f := range fields {
		path := prefix + f.Name
		v, ok := obj[f.Name]
		if f.Type == channels.FieldObject {
			var sub map[string]json.RawMessage
			_ = json.Unmarshal(v, &sub)
			fillShown(out, path+".", f.Fields, sub)
			continue
		}
		if f.Secret {
			continue
		}
		if !ok || string(bytes.TrimSpace(v)) == "null" {
			if f.Default == nil {
				if f.Type == channels.FieldBool {
					out[path] = "false"
				}
				continue
			}
			v, _ = json.Marshal(f.Default)
		}
		out[path] = textOf(f.Type, v)
	}
}

// textOf writes a JSON value as an input's text: a list one item a line,
// a map "key=value" a line, anything else as its string or number.
func textOf(t channels.FieldType, v json.RawMessage) string {
	switch t {
	case channels.FieldList:
		var l []string
		_ = json.Unmarshal(v, &l)
		return strings.Join(l, "\n")
	case channels.FieldMap:
		var m map[string]string
		_ = json.Unmarshal(v, &m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		lines := make([]string, len(keys))
		for i, k := range keys {
			lines[i] = k + "=" + m[k]
		}
		return strings.Join(lines, "\n")
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(v))
}

// postedValues returns the texts a channel form posted, by field path.
func postedValues(form url.Values) fieldValues {
	out := fieldValues{}
	for k, v := range form {
		if path, ok := strings.CutPrefix(k, "s."); ok && len(v) > 0 {
			out[path] = v[len(v)-1] // a checkbox's "true" follows its hidden "false"
		}
	}
	return out
}

// settingFields builds the inputs of fields with the texts values, the
// secrets stored (by path) and the errors of err beside their fields.
func settingFields(tr translator, prefix string, fields []channels.Field, values fieldValues, set map[string]bool, errs map[string]string) []settingField {
	var out []settingField
	for _, f := range fields {
		path := prefix + f.Name
		sf := settingField{Path: path, Input: "s." + path, Type: string(f.Type), Label: f.Name, Help: f.Help.In(tr.fa),
			Required: f.Required, Secret: f.Secret, IsSet: set[path], Value: values[path], Choices: f.Choices, Error: errs[path]}
		if f.Type == channels.FieldObject {
			sf.Fields = settingFields(tr, path+".", f.Fields, values, set, errs)
		}
		out = append(out, sf)
	}
	return out
}

// settingsFromForm builds the settings JSON of a new channel from the
// texts posted: fields left empty are absent. An input that is not of its
// field's type is a channels.FieldError.
func settingsFromForm(fields []channels.Field, posted fieldValues) (json.RawMessage, error) {
	obj, err := buildSettings("", fields, posted, nil)
	if err != nil {
		return nil, err
	}
	return json.Marshal(obj)
}

// settingsPatch builds the merge patch of an edit: only the fields whose
// text differs from what the form showed (shown); a cleared field is
// null (removed), a secret left empty is kept.
func settingsPatch(fields []channels.Field, posted, shown fieldValues) (json.RawMessage, error) {
	obj, err := buildSettings("", fields, posted, shown)
	if err != nil {
		return nil, err
	}
	return json.Marshal(obj)
}

// buildSettings returns the settings object of fields at prefix from
// posted; with shown (an edit) only what changed, cleared fields as nil.
func buildSettings(prefix string, fields []channels.Field, posted, shown fieldValues) (map[string]any, error) {
	obj := map[string]any{}
	var errs []error
	for _, f := range fields {
		path := prefix + f.Name
		if f.Type == channels.FieldObject {
			sub, err := buildSettings(path+".", f.Fields, posted, shown)
			if err != nil {
				errs = append(errs, err)
			} else if len(sub) > 0 {
				obj[f.Name] = sub
			}
			continue
		}
		text, ok := posted[path]
		if !ok {
			continue
		}
		text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
		if f.Secret && text == "" {
			continue // a secret left empty keeps its stored value
		}
		if shown != nil && !f.Secret && text == strings.TrimSpace(shown[path]) {
			continue
		}
		if text == "" {
			if shown != nil {
				obj[f.Name] = nil
			}
			continue
		}
		v, err := valueOf(path, f.Type, text)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		obj[f.Name] = v
	}
	return obj, errors.Join(errs...)
}

// valueOf parses an input's text as a value of type t.
func valueOf(path string, t channels.FieldType, text string) (any, error) {
	switch t {
	case channels.FieldInt:
		n, err := strconv.ParseInt(crm.FoldDigits(text), 10, 64)
		if err != nil {
			return nil, channels.Invalid(path, channels.ReasonInt, fmt.Sprintf("%q is not a whole number", text))
		}
		return n, nil
	case channels.FieldBool:
		return text == "true", nil
	case channels.FieldDuration:
		text = crm.FoldDigits(text)
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		return text, nil
	case channels.FieldList:
		var l []string
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				l = append(l, line)
			}
		}
		return l, nil
	case channels.FieldMap:
		m := map[string]string{}
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, channels.Invalid(path, channels.ReasonMap, fmt.Sprintf("line %q: want key=value", line))
			}
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		return m, nil
	}
	return text, nil
}
