package web

import (
	"context"
	"html/template"
	"net/http"
	"sync"
	"time"

	"github.com/peykhq/peyk/crm/tags"
)

// tagSettings registers the settings pages of tags.
func (u *ui) tagSettings(p pageRoutes) {
	if u.Tags == nil {
		return
	}
	p.admin("GET /settings/tags", u.tagsPage)
	p.admin("POST /settings/tags/rename", u.tagAction(func(r *http.Request, by int64) error {
		return u.Tags.Rename(r.Context(), by, r.PostFormValue("from"), r.PostFormValue("to"))
	}))
	p.admin("POST /settings/tags/merge", u.tagAction(func(r *http.Request, by int64) error {
		return u.Tags.Merge(r.Context(), by, r.PostFormValue("from"), r.PostFormValue("into"))
	}))
	p.admin("POST /settings/tags/delete", u.tagAction(func(r *http.Request, by int64) error {
		return u.Tags.Delete(r.Context(), by, r.PostFormValue("name"))
	}))
	p.admin("POST /settings/tags/colour", u.tagAction(func(r *http.Request, by int64) error {
		return u.Tags.SetColour(r.Context(), by, r.PostFormValue("name"), r.PostFormValue("colour"))
	}))
}

// tagsView is what settings_tags.html renders: the tags with their
// counts, the palette, and the form that failed with its tag (Failed).
type tagsView struct {
	Tags    []tags.Tag
	Palette []string
	Form    form
	Failed  string // the tag whose form Form is, "" for none
	Action  string // the action of the form that failed
	Saved   bool
}

func (u *ui) tagsPage(w http.ResponseWriter, r *http.Request) {
	u.showTags(w, r, http.StatusOK, newForm(r, nil), "", "")
}

func (u *ui) showTags(w http.ResponseWriter, r *http.Request, status int, f form, failed, action string) {
	list, err := u.Tags.List(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := tagsView{Tags: list, Palette: tags.Palette, Form: f, Failed: failed, Action: action, Saved: r.URL.Query().Has("saved")}
	u.settingsPage(w, r, status, "settings_tags", "settings.tags", "settings.tags", v)
}

// tagAction runs a change of tags posted by a form of the tags page and
// comes back to it; on bad input the page shows the reason beside the
// form's field, and nothing changed.
func (u *ui) tagAction(do func(r *http.Request, by int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := do(r, userOf(r).ID)
		u.colours.forget()
		if err != nil {
			tag := r.PostFormValue("from")
			if tag == "" {
				tag = r.PostFormValue("name")
			}
			u.showTags(w, r, formStatus(err), newForm(r, err), tag, r.URL.Path)
			return
		}
		back(w, r, "/settings/tags?saved=1")
	}
}

// tagColours caches the tags' colours for drawing tags on every page;
// changes through this server forget it at once, others (the CLI) show
// within colourTTL.
type tagColours struct {
	store *tags.Store
	mu    sync.Mutex
	m     map[string]string
	at    time.Time
}

const colourTTL = 5 * time.Second

// class returns the CSS class of tag's colour, "tag-gray" by default.
func (c *tagColours) class(tag string) string {
	if c == nil || c.store == nil {
		return "tag-" + tags.Default
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || time.Since(c.at) > colourTTL {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		m, err := c.store.Colours(ctx)
		cancel()
		if err != nil {
			m = map[string]string{} // the default colour until colourTTL has passed, not a query per tag
		}
		c.m, c.at = m, time.Now()
	}
	if colour := c.m[tag]; colour != "" {
		return "tag-" + colour
	}
	return "tag-" + tags.Default
}

// forget drops the cache, after a change.
func (c *tagColours) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func init() {
	addPages("settings_tags")
	addMessages(map[string][2]string{
		"tags.name":          {"برچسب", "Tag"},
		"tags.contacts":      {"مخاطب", "Contacts"},
		"tags.conversations": {"گفت\u200cوگو", "Conversations"},
		"tags.colour":        {"رنگ", "Colour"},
		"tags.rename":        {"تغییر نام", "Rename"},
		"tags.rename.to":     {"نام تازه", "New name"},
		"tags.merge":         {"ادغام در", "Merge into"},
		"tags.merge.into":    {"برچسب مقصد", "Target tag"},
		"tags.delete":        {"حذف", "Delete"},
		"tags.delete.hint":   {"برچسب از همه\u200cی مخاطبان و گفت\u200cوگوها برداشته می\u200cشود.", "The tag is removed from every contact and conversation."},
		"tags.none":          {"هنوز برچسبی به کار نرفته است.", "No tags are in use yet."},
		"tags.actions":       {"کارها", "Actions"},
		"tags.error.same":    {"دو برچسب یکی\u200cاند.", "The two tags are the same."},
		"tags.error.taken":   {"برچسبی با این نام هست؛ به\u200cجای تغییر نام، ادغام کنید.", "A tag with this name exists: merge the two instead."},
		"tags.error.unknown": {"برچسبی با این نام نیست.", "No tag has this name."},
		"tags.error.colour":  {"یکی از رنگ\u200cهای فهرست را برگزینید.", "Pick one of the listed colours."},
		"tags.colour.gray":   {"خاکستری", "Gray"},
		"tags.colour.red":    {"قرمز", "Red"},
		"tags.colour.orange": {"نارنجی", "Orange"},
		"tags.colour.yellow": {"زرد", "Yellow"},
		"tags.colour.green":  {"سبز", "Green"},
		"tags.colour.teal":   {"فیروزه\u200cای", "Teal"},
		"tags.colour.blue":   {"آبی", "Blue"},
		"tags.colour.purple": {"بنفش", "Purple"},
		"tags.colour.pink":   {"صورتی", "Pink"},
	})
}

// bind gives every view the functions of m in place of their
// placeholders of the same names (uiFuncs), before any is executed.
func (v *views) bind(m template.FuncMap) {
	for _, set := range v.byLocale {
		for _, t := range set {
			t.Funcs(m)
		}
	}
}
