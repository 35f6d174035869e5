package channels

// Preset is a ready set of settings for a common case of a channel kind
// (a Gmail mailbox, a Kannel SMS gateway): the admin's form starts from
// its values and the operator fills in the rest (addresses, passwords).
type Preset struct {
	// Name identifies the preset within its kind ("gmail").
	Name string `json:"name"`
	// Label names the preset to people.
	Label Text `json:"label"`
	// Settings are the values the preset fills in, by settings key (a
	// nested object for a FieldObject).
	Settings map[string]any `json:"settings"`
}

// Preset returns the driver's preset called name.
func (d *Driver) Preset(name string) (Preset, bool) {
	for _, p := range d.Presets {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}
