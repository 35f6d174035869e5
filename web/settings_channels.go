package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/chanstore"
)

// channelSettings registers the settings pages of channels: the list with
// each channel's health, adding one (kind, preset, then a form generated
// from the kind's settings declarations), editing, testing, enabling,
// disabling and deleting. They call the same Channels the API does.
func (u *ui) channelSettings(p pageRoutes) {
	if u.Channels == nil {
		return
	}
	p.admin("GET /settings/channels", u.channelList)
	p.admin("GET /settings/channels/new", u.channelNew)
	p.admin("POST /settings/channels/new", u.channelCreate)
	p.admin("GET /settings/channels/{id}", u.channelEdit)
	p.admin("POST /settings/channels/{id}", u.channelUpdate)
	p.admin("POST /settings/channels/{id}/test", u.channelTest)
	p.admin("POST /settings/channels/{id}/enable", u.channelEnable(true))
	p.admin("POST /settings/channels/{id}/disable", u.channelEnable(false))
	p.admin("GET /settings/channels/{id}/delete", u.channelDeleteConfirm)
	p.admin("POST /settings/channels/{id}/delete", u.channelDelete)
}

// channelRow is a channel as the list and its pages show it.
type channelRow struct {
	inbox.Channel
	Status   channels.Status
	Activity chanstore.Activity
	// Webhook is the channel's webhook URL; empty for a kind without one.
	Webhook string
	// LastErrorReason is the catalogue key of Status.LastError's sentence.
	LastErrorReason string
}

// channelPage is the view of the list and of the form, which share their
// parts (health, webhook): one of List and Form is set.
type channelPage struct {
	List *channelList
	Form *channelForm
}

// channelList is the list's view: the channels and the note of what was
// just done ("created", "deleted"…).
type channelList struct {
	Rows []channelRow
	Done string
}

// channelRow returns ch with its health.
func (u *ui) channelRow(r *http.Request, ch inbox.Channel, activity map[int64]chanstore.Activity) channelRow {
	row := channelRow{Channel: ch, Activity: activity[ch.ID], Status: channels.Status{ChannelID: ch.ID, Receiver: channels.StateIdle}}
	if u.ChannelStatus != nil {
		if st, err := u.ChannelStatus(r.Context(), ch.ID); err == nil {
			row.Status = st
		}
	}
	if row.Status.LastError != "" {
		row.LastErrorReason = testReason(errors.New(row.Status.LastError))
	}
	if d, ok := u.Kinds.Driver(ch.Kind); ok && d.Webhook != nil {
		row.Webhook = u.siteURL(r) + "/webhooks/" + strconv.FormatInt(ch.ID, 10)
	}
	return row
}

// siteURL is the configured public URL, else the scheme and host the
// browser reached this server at (through a proxy: its forwarded ones).
func (u *ui) siteURL(r *http.Request) string {
	if u.PublicURL != "" {
		return strings.TrimRight(u.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	host := r.Host
	if fwd, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ","); strings.TrimSpace(fwd) != "" {
		host = strings.TrimSpace(fwd)
	}
	return scheme + "://" + host
}

func (u *ui) channelList(w http.ResponseWriter, r *http.Request) {
	cs, err := u.Channels.List(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	activity, err := u.Inbox.Activity(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	rows := make([]channelRow, len(cs))
	for i, ch := range cs {
		rows[i] = u.channelRow(r, ch, activity)
	}
	u.settingsPage(w, r, http.StatusOK, "settings_channels", "settings.channels", "settings.channels",
		channelPage{List: &channelList{Rows: rows, Done: doneKey(r)}})
}

// channelForm is the view of the add and edit forms.
type channelForm struct {
	New       bool
	Kind      channels.Kind
	KindLabel string
	Preset    string
	Name      string
	Fields    []settingField
	Form      form
	// Row, on an edit, is the channel with its health.
	Row  channelRow
	Test *channelTestView
	Done string
}

// channelNew is the form of a new channel of ?kind (from ?preset), or,
// without a kind, the choice of kinds and presets.
func (u *ui) channelNew(w http.ResponseWriter, r *http.Request) {
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		u.settingsPage(w, r, http.StatusOK, "settings_channel_kinds", "settings.channels", "channels.add",
			ChannelKinds(u.Kinds))
		return
	}
	d, ok := u.Kinds.Driver(channels.Kind(kind))
	if !ok {
		u.fail(w, r, crm.ErrNotFound)
		return
	}
	settings := json.RawMessage("{}")
	preset := r.URL.Query().Get("preset")
	if p, ok := d.Preset(preset); ok {
		settings, _ = json.Marshal(p.Settings)
	}
	u.showChannelForm(w, r, http.StatusOK, d, channelForm{New: true, Preset: preset},
		shownValues(d.Settings, settings), nil, nil)
}

func (u *ui) channelCreate(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	d, ok := u.Kinds.Driver(channels.Kind(r.PostForm.Get("kind")))
	if !ok {
		u.fail(w, r, crm.ErrNotFound)
		return
	}
	posted := postedValues(r.PostForm)
	name := r.PostForm.Get("name")
	settings, err := settingsFromForm(d.Settings, posted)
	if name == "" {
		err = errors.Join(err, channels.Invalid("name", "error.required", "the channel needs a name"))
	}
	var ch inbox.Channel
	if err == nil {
		ch, err = u.Channels.Create(r.Context(), string(d.Kind), name, settings)
	}
	if err != nil && ch.ID == 0 {
		u.showChannelForm(w, r, formStatus(err), d, channelForm{New: true, Preset: r.PostForm.Get("preset"), Name: name},
			posted, nil, err)
		return
	}
	// Stored, even when registering with the provider failed: the edit
	// page says so and offers the test.
	back(w, r, "/settings/channels/"+strconv.FormatInt(ch.ID, 10)+"?done="+doneOf(err, "created"))
}

// doneKey is the request's note of what was just done, when it is one of
// the notes the pages have words for.
func doneKey(r *http.Request) string {
	switch d := r.URL.Query().Get("done"); d {
	case "created", "saved", "enabled", "disabled", "deleted", "setup_failed":
		return d
	}
	return ""
}

// doneOf is the "done" note of a change that err (nil, or a provider's
// refusal after the change was stored) ended.
func doneOf(err error, done string) string {
	if err != nil {
		return "setup_failed"
	}
	return done
}
