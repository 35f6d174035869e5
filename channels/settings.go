package channels

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
)

// FieldType is the type of a settings field's JSON value.
type FieldType string

// The types of settings fields.
const (
	// FieldString is a JSON string.
	FieldString FieldType = "string"
	// FieldInt is a JSON number without a fraction.
	FieldInt FieldType = "int"
	// FieldBool is true or false.
	FieldBool FieldType = "bool"
	// FieldDuration is a Go duration string ("90s", "5m") or a number of
	// seconds.
	FieldDuration FieldType = "duration"
	// FieldEnum is a string among Field.Choices.
	FieldEnum FieldType = "enum"
	// FieldList is an array of strings.
	FieldList FieldType = "list"
	// FieldURL is an absolute URL with a scheme and a host.
	FieldURL FieldType = "url"
	// FieldMap is an object of string values under any keys.
	FieldMap FieldType = "map"
	// FieldObject is an object of the nested Field.Fields.
	FieldObject FieldType = "object"
)

// Field declares one key of a channel kind's settings. Admin forms are
// generated from it and settings are checked against it.
type Field struct {
	// Name is the JSON key.
	Name string    `json:"name"`
	Type FieldType `json:"type"`
	// Secret fields are stored encrypted and never shown.
	Secret bool `json:"secret,omitempty"`
	// Required fields must be present and not empty.
	Required bool `json:"required,omitempty"`
	// Default is the value the adapter uses when the key is absent; it is
	// documentation, not written into the stored settings.
	Default any `json:"default,omitempty"`
	// Choices are the values of a FieldEnum.
	Choices []string `json:"choices,omitempty"`
	// Fields are the keys of a FieldObject.
	Fields []Field `json:"fields,omitempty"`
	// Help says what the field is for, in a short phrase.
	Help Text `json:"help"`
}

// Check validates raw settings of the driver's kind: a JSON object whose
// keys are all declared, with values of their declared types and every
// required field present, then the driver's own Validate. It returns the
// settings as Validate completed them; every error wraps ErrInvalid, and
// a problem of one field is a *FieldError named by the field's path
// ("host", "imap.port"), joined with the others (FieldErrors lists them).
func (d *Driver) Check(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		raw = json.RawMessage("{}")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("settings: want a JSON object: %w", ErrInvalid)
	}
	if errs := checkObject("", obj, d.Settings); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if d.Validate == nil {
		return raw, nil
	}
	out, err := d.Validate(raw)
	if err != nil {
		return nil, invalidErr(err)
	}
	return out, nil
}

// invalidErr makes err wrap ErrInvalid.
func invalidErr(err error) error {
	if errors.Is(err, ErrInvalid) {
		return err
	}
	return fmt.Errorf("%w: %w", err, ErrInvalid)
}

// Split divides checked settings into the public config, shown and
// stored in the clear, and the secrets, stored encrypted: the Secret
// fields, and every field whose value Mask changed (so the secret inside
// it is kept whole among the secrets).
func (d *Driver) Split(settings json.RawMessage) (public, secrets map[string]json.RawMessage, err error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(settings, &all); err != nil {
		return nil, nil, fmt.Errorf("settings: %v: %w", err, ErrInvalid)
	}
	public, secrets = map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, v := range all {
		if d.secret(k) {
			secrets[k] = v
		} else {
			public[k] = v
		}
	}
	if d.Mask == nil {
		return public, secrets, nil
	}
	b, _ := json.Marshal(public)
	var masked map[string]json.RawMessage
	if err := json.Unmarshal(d.Mask(b), &masked); err != nil {
		return nil, nil, fmt.Errorf("settings: mask: %v: %w", err, ErrInvalid)
	}
	for k, v := range public {
		if m, ok := masked[k]; !ok || !jsonEqual(m, v) {
			secrets[k] = v
		}
	}
	return masked, secrets, nil
}

// Public returns a stored config fit to show: without Secret fields
// (a config stored before they were split out may hold them) and masked.
func (d *Driver) Public(config json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(config, &m) != nil || m == nil {
		return config
	}
	for k := range m {
		if d.secret(k) {
			delete(m, k)
		}
	}
	out, _ := json.Marshal(m)
	if d.Mask != nil {
		out = d.Mask(out)
	}
	return out
}

// secret reports whether top-level key name is a Secret field.
func (d *Driver) secret(name string) bool {
	i := slices.IndexFunc(d.Settings, func(f Field) bool { return f.Name == name })
	return i >= 0 && d.Settings[i].Secret
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// The reason keys of the field errors Check returns (catalogue keys of
// the web's sentences).
const (
	ReasonRequired = "error.required"
	ReasonUnknown  = "channels.error.unknown"
	ReasonString   = "channels.error.string"
	ReasonInt      = "channels.error.int"
	ReasonBool     = "channels.error.bool"
	ReasonDuration = "channels.error.duration"
	ReasonEnum     = "channels.error.enum"
	ReasonURL      = "channels.error.url"
	ReasonList     = "channels.error.list"
	ReasonMap      = "channels.error.map"
	ReasonObject   = "channels.error.object"
	// ReasonMasked: a setting sent back with a secret's mask
	// (REDACTED) in it, which would overwrite the secret.
	ReasonMasked = "channels.error.masked"
)

// checkObject returns the problems of obj against fields, each a
// *FieldError named by its key's path.
func checkObject(prefix string, obj map[string]json.RawMessage, fields []Field) []error {
	var errs []error
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i := slices.IndexFunc(fields, func(f Field) bool { return f.Name == k })
		if i < 0 {
			errs = append(errs, Invalid(prefix+k, ReasonUnknown, fmt.Sprintf("unknown setting %q", prefix+k)))
			continue
		}
		errs = append(errs, checkValue(prefix+k, obj[k], fields[i])...)
	}
	for _, f := range fields {
		v, ok := obj[f.Name]
		if f.Required && (!ok || empty(v)) {
			errs = append(errs, Invalid(prefix+f.Name, ReasonRequired, fmt.Sprintf("%s%s is required", prefix, f.Name)))
		}
	}
	return errs
}

// empty reports whether a JSON value is null, "", [] or {}.
func empty(v json.RawMessage) bool {
	switch string(bytes.TrimSpace(v)) {
	case "", "null", `""`, "[]", "{}":
		return true
	}
	return false
}

// checkValue returns what is wrong with v as the value of f at path.
func checkValue(path string, v json.RawMessage, f Field) []error {
	if string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	bad := func(reason, want string) []error { return []error{Invalid(path, reason, "want "+want)} }
	switch f.Type {
	case FieldString, FieldEnum, FieldURL:
		var s string
		if json.Unmarshal(v, &s) != nil {
			return bad(ReasonString, "a string")
		}
		if f.Type == FieldEnum && s != "" && !slices.Contains(f.Choices, s) {
			return bad(ReasonEnum, "one of "+strings.Join(f.Choices, ", "))
		}
		if f.Type == FieldURL && s != "" {
			if u, err := url.Parse(s); err != nil || u.Scheme == "" || u.Host == "" {
				return bad(ReasonURL, "an absolute URL")
			}
		}
	case FieldInt:
		var n float64
		if json.Unmarshal(v, &n) != nil || n != math.Trunc(n) {
			return bad(ReasonInt, "a whole number")
		}
	case FieldBool:
		var b bool
		if json.Unmarshal(v, &b) != nil {
			return bad(ReasonBool, "true or false")
		}
	case FieldDuration:
		var d Duration
		if d.UnmarshalJSON(v) != nil || time.Duration(d) < 0 {
			return bad(ReasonDuration, `a duration such as "30s" or a number of seconds`)
		}
	case FieldList:
		var l []string
		if json.Unmarshal(v, &l) != nil {
			return bad(ReasonList, "a list of strings")
		}
	case FieldMap:
		var m map[string]string
		if json.Unmarshal(v, &m) != nil {
			return bad(ReasonMap, "an object of strings")
		}
	case FieldObject:
		var m map[string]json.RawMessage
		if json.Unmarshal(v, &m) != nil {
			return bad(ReasonObject, "an object")
		}
		return checkObject(path+".", m, f.Fields)
	}
	return nil
}
