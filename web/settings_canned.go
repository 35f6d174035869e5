package web

import (
	"net/http"
	"strconv"

	"github.com/peykhq/peyk/templates/canned"
)

// cannedSettings registers the settings page of canned responses: admins
// list, add, edit and delete them; agents are offered them in the reply
// box.
func (u *ui) cannedSettings(p pageRoutes) {
	if u.Canned == nil {
		return
	}
	p.admin("GET /settings/canned", u.cannedPage)
	p.admin("POST /settings/canned", u.cannedSave)
	p.admin("GET /settings/canned/{id}", u.cannedPage)
	p.admin("POST /settings/canned/{id}", u.cannedSave)
	p.admin("POST /settings/canned/{id}/delete", u.cannedDelete)
}

// cannedView is what settings_canned.html renders: the responses and the
// form, empty to add one or filled to edit Editing.
type cannedView struct {
	Responses []canned.Response
	Editing   int64
	Form      form
	Saved     bool
}

// cannedPage shows the list and the form of a new response, or of the
// response {id} to edit.
func (u *ui) cannedPage(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, nil)
	var id int64
	if s := r.PathValue("id"); s != "" {
		n, _ := strconv.ParseInt(s, 10, 64)
		c, err := u.Canned.Get(r.Context(), n)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		id = c.ID
		f.Values = map[string]string{"title": c.Title, "body_fa": c.BodyFa, "body_en": c.BodyEn, "shortcut": c.Shortcut}
	}
	u.showCanned(w, r, http.StatusOK, id, f)
}

func (u *ui) showCanned(w http.ResponseWriter, r *http.Request, status int, id int64, f form) {
	list, err := u.Canned.List(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := cannedView{Responses: list, Editing: id, Form: f, Saved: r.URL.Query().Has("saved")}
	u.settingsPage(w, r, status, "settings_canned", "settings.canned", "settings.canned", v)
}

// cannedSave adds a response, or updates {id}; on bad input the form
// comes back as typed with the reason beside each field.
func (u *ui) cannedSave(w http.ResponseWriter, r *http.Request) {
	in := canned.Response{Title: r.PostFormValue("title"), BodyFa: r.PostFormValue("body_fa"),
		BodyEn: r.PostFormValue("body_en"), Shortcut: r.PostFormValue("shortcut")}
	var err error
	if s := r.PathValue("id"); s != "" {
		in.ID, _ = strconv.ParseInt(s, 10, 64)
		_, err = u.Canned.Update(r.Context(), userOf(r).ID, in)
	} else {
		_, err = u.Canned.Create(r.Context(), userOf(r).ID, in)
	}
	if err != nil {
		u.showCanned(w, r, formStatus(err), in.ID, newForm(r, err))
		return
	}
	back(w, r, "/settings/canned?saved=1")
}

func (u *ui) cannedDelete(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := u.Canned.Delete(r.Context(), userOf(r).ID, id); err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, "/settings/canned?saved=1")
}

func init() {
	addPages("settings_canned")
	addMessages(map[string][2]string{
		"canned.title":        {"عنوان", "Title"},
		"canned.title.hint":   {"نامی که کارشناسان در فهرست می\u200cبینند", "The name agents see in the list"},
		"canned.body_fa":      {"متن فارسی", "Persian text"},
		"canned.body_en":      {"متن انگلیسی", "English text"},
		"canned.bodies.hint":  {"به زبان مخاطب پیشنهاد می\u200cشود؛ اگر آن زبان نباشد، به زبان کارشناس.", "Offered in the contact's language; when it has none, in the agent's."},
		"canned.shortcut":     {"میان\u200cبر (اختیاری)", "Shortcut (optional)"},
		"canned.new":          {"پاسخ آماده\u200cی تازه", "New canned response"},
		"canned.editing":      {"ویرایش پاسخ آماده", "Edit canned response"},
		"canned.add":          {"افزودن", "Add"},
		"canned.edit":         {"ویرایش", "Edit"},
		"canned.delete":       {"حذف", "Delete"},
		"canned.none":         {"هنوز پاسخ آماده\u200cای نیست.", "No canned responses yet."},
		"canned.languages":    {"زبان\u200cها", "Languages"},
		"canned.error.long":   {"بیش از اندازه بلند است.", "This is too long."},
		"canned.error.nobody": {"متن را به فارسی، انگلیسی یا هر دو بنویسید.", "Write the text in Persian, English or both."},
		"canned.error.shortcut": {"میان\u200cبر فقط حروف کوچک لاتین، رقم، _ و - است (حداکثر ۳۲).",
			"A shortcut is up to 32 of a-z, 0-9, _ and -."},
		"canned.error.taken": {"پاسخ آماده\u200cی دیگری همین میان\u200cبر را دارد.", "Another canned response has this shortcut."},
	})
}
