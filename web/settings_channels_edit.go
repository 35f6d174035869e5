package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// showChannelForm renders the add or edit form of a channel of kind d:
// its fields with the texts values, and err's reasons beside them.
func (u *ui) showChannelForm(w http.ResponseWriter, r *http.Request, status int, d *channels.Driver, v channelForm, values fieldValues, set map[string]bool, err error) {
	tr := translator{fa: locale(r) == "fa"}
	v.Form = newForm(r, err)
	v.Kind, v.KindLabel = d.Kind, d.Label.In(tr.fa)
	v.Fields = settingFields(tr, "", d.Settings, values, set, v.Form.Errors)
	title := "channels.add"
	if !v.New {
		title = "channels.edit"
	}
	u.settingsPage(w, r, status, "settings_channels", "settings.channels", title, channelPage{Form: &v})
}

// editing loads channel {id} of the request: the channel, its kind's
// driver, its settings as the form shows them and its secrets stored.
func (u *ui) editing(r *http.Request) (inbox.Channel, *channels.Driver, fieldValues, map[string]bool, error) {
	id, err := pathID(r)
	if err != nil {
		return inbox.Channel{}, nil, nil, nil, err
	}
	ch, err := u.Inbox.Channel(r.Context(), id)
	if err != nil {
		return ch, nil, nil, nil, err
	}
	d, ok := u.Kinds.Driver(ch.Kind)
	if !ok {
		d = &channels.Driver{Kind: ch.Kind, Label: channels.Text{Fa: string(ch.Kind), En: string(ch.Kind)}}
	}
	ch.Config = d.Public(ch.Config)
	set := map[string]bool{}
	var secrets map[string]json.RawMessage
	if err := u.Inbox.Secrets(r.Context(), id, &secrets); err != nil {
		u.log.Warn("channel settings: secrets not readable; shown as not set", "channel_id", id, "err", err)
	}
	for k, v := range secrets {
		set[k] = !empty(v)
	}
	return ch, d, shownValues(d.Settings, ch.Config), set, nil
}

// empty reports whether a JSON value is null or "".
func empty(v json.RawMessage) bool {
	s := strings.TrimSpace(string(v))
	return s == "" || s == "null" || s == `""`
}

// showEdit renders the edit page of ch.
func (u *ui) showEdit(w http.ResponseWriter, r *http.Request, status int, ch inbox.Channel, d *channels.Driver, values fieldValues, set map[string]bool, test *channelTestView, err error) {
	activity, aerr := u.Inbox.Activity(r.Context())
	if aerr != nil {
		u.fail(w, r, aerr)
		return
	}
	name := ch.Name
	if r.Method == http.MethodPost && r.PostForm.Has("name") {
		name = r.PostForm.Get("name")
	}
	u.showChannelForm(w, r, status, d, channelForm{Name: name, Row: u.channelRow(r, ch, activity), Test: test, Done: doneKey(r)}, values, set, err)
}

func (u *ui) channelEdit(w http.ResponseWriter, r *http.Request) {
	ch, d, values, set, err := u.editing(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.showEdit(w, r, http.StatusOK, ch, d, values, set, nil, nil)
}

func (u *ui) channelUpdate(w http.ResponseWriter, r *http.Request) {
	ch, d, shown, set, err := u.editing(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	_ = r.ParseForm()
	posted := postedValues(r.PostForm)
	patch, err := settingsPatch(d.Settings, posted, shown)
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" {
		err = errors.Join(err, channels.Invalid("name", "error.required", "the channel needs a name"))
	}
	if err == nil {
		if string(patch) == "{}" {
			patch = nil // only the name, if that
		}
		var saved inbox.Channel
		saved, err = u.Channels.Update(r.Context(), ch.ID, name, patch)
		if err == nil || saved.ID != 0 { // stored; a provider's refusal is told on the edit page
			back(w, r, "/settings/channels/"+strconv.FormatInt(ch.ID, 10)+"?done="+doneOf(err, "saved"))
			return
		}
	}
	u.showEdit(w, r, formStatus(err), ch, d, posted, set, nil, err)
}

func (u *ui) channelEnable(enabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err == nil {
			_, err = u.Channels.SetEnabled(r.Context(), id, enabled)
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
		back(w, r, "/settings/channels?done="+map[bool]string{true: "enabled", false: "disabled"}[enabled])
	}
}

func (u *ui) channelDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	ch, _, _, _, err := u.editing(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	activity, err := u.Inbox.Activity(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.settingsPage(w, r, http.StatusOK, "settings_channel_delete", "settings.channels", "channels.delete",
		channelRow{Channel: ch, Activity: activity[ch.ID]})
}

// channelDelete deletes a channel the admin confirmed, told how many
// conversations it has: they are kept, without a channel.
func (u *ui) channelDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		_, err = u.Channels.Delete(r.Context(), id, true)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, "/settings/channels?done=deleted")
}
