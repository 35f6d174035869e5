package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/peykhq/peyk/templates"
)

// templateSettings registers the settings pages of templates and canned responses.
func (u *ui) templateSettings(p pageRoutes) {
	u.cannedSettings(p)
	if u.Templates == nil {
		return
	}
	p.admin("GET /settings/templates", u.templateList)
	p.admin("POST /settings/templates/preview", u.templatePreview)
	p.admin("GET /settings/templates/{name}/{locale}/{kind}", u.templateEdit)
	p.admin("POST /settings/templates/{name}/{locale}/{kind}", u.templateSave)
	p.admin("POST /settings/templates/{name}/{locale}/{kind}/reset", u.templateReset)
}

// templateListView is what settings_templates.html renders: the
// templates, filtered by language and kind.
type templateListView struct {
	Templates      []templates.Template
	Locale, Kind   string
	Locales, Kinds []string
}

func (u *ui) templateList(w http.ResponseWriter, r *http.Request) {
	all, err := u.Templates.List(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := templateListView{Locale: r.URL.Query().Get("locale"), Kind: r.URL.Query().Get("kind"),
		Locales: []string{templates.Persian, templates.English}, Kinds: []string{string(templates.Text), string(templates.Email)}}
	for _, t := range all {
		if (v.Locale == "" || t.Locale == v.Locale) && (v.Kind == "" || string(t.Kind) == v.Kind) {
			v.Templates = append(v.Templates, t)
		}
	}
	u.settingsPage(w, r, http.StatusOK, "settings_templates", "settings.templates", "settings.templates", v)
}

// templateEditView is what settings_template.html renders: the template
// as stored, the parts as typed, what is wrong with them and the preview
// for the sample contact.
type templateEditView struct {
	Stored   templates.Template
	Draft    templates.Template
	Path     string
	Saved    bool
	Problems []templateProblem
	Preview  templates.Rendered
	// PreviewHTML is Preview.HTML, which Render checked holds no markup
	// that runs script, to show as HTML.
	PreviewHTML template.HTML
	// Previewed reports whether Preview holds a rendering (there was no
	// problem); Fragment whether the preview box is drawn alone, for
	// app.js, and so shows the problems of each part too.
	Previewed, Fragment bool
}

// templateProblem is a reason a template is refused, in the page's
// language: the part (field) and line it is at, when known, and the
// author's detail from package templates.
type templateProblem struct {
	Field   string
	Line    int
	Message string
	Detail  string
}

// ProblemAt returns the problems of field ("" for the template as a
// whole).
func (v templateEditView) ProblemAt(field string) []templateProblem {
	var out []templateProblem
	for _, p := range v.Problems {
		if p.Field == field {
			out = append(out, p)
		}
	}
	return out
}

// draft is the template of the path with the parts of the posted form.
func draft(r *http.Request, stored templates.Template) templates.Template {
	t := stored
	t.Subject, t.Body, t.HTML = r.PostFormValue("subject"), r.PostFormValue("body"), r.PostFormValue("html")
	t.Subject = strings.ReplaceAll(t.Subject, "\r\n", "\n")
	t.Body = strings.ReplaceAll(t.Body, "\r\n", "\n")
	t.HTML = strings.ReplaceAll(t.HTML, "\r\n", "\n")
	return t
}

// edit checks t and renders it for the sample contact of its language.
func (u *ui) edit(r *http.Request, stored, t templates.Template) templateEditView {
	v := templateEditView{Stored: stored, Draft: t, Path: templatePath(stored)}
	if err := templates.Validate(t); err != nil {
		v.Problems = problems(r, err)
		return v
	}
	sample := templates.Sample(t.Locale)
	sample.Location = u.loc
	out, err := t.Render(sample)
	if err != nil {
		v.Problems = problems(r, err)
		return v
	}
	v.Preview, v.Previewed = out, true
	// Render refuses markup that runs script; the mail policy the
	// timeline's mail bodies go through cleans what a deny-list misses.
	v.PreviewHTML = template.HTML(u.mail.Sanitize(out.HTML)) //nolint:gosec // sanitized by the mail policy
	return v
}

// problems turns a template's error into problems in the page's
// language.
func problems(r *http.Request, err error) []templateProblem {
	tr := translator{fa: locale(r) == templates.Persian}
	var te *templates.Error
	if !errors.As(err, &te) {
		_, msg := pageError(err, tr)
		return []templateProblem{{Message: msg}}
	}
	key := "templates.problem." + te.Code
	if tr.t(key) == key {
		key = "templates.problem.syntax"
	}
	return []templateProblem{{Field: te.Part, Line: te.Line, Message: tr.t(key), Detail: te.Reason}}
}

func templatePath(t templates.Template) string {
	return "/settings/templates/" + url.PathEscape(t.Name) + "/" + t.Locale + "/" + string(t.Kind)
}

// stored returns the template of the request's path.
func (u *ui) stored(r *http.Request) (templates.Template, error) {
	name, locale, kind := templateID(r)
	return u.Templates.Get(r.Context(), name, locale, kind)
}

func (u *ui) templateEdit(w http.ResponseWriter, r *http.Request) {
	t, err := u.stored(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.edit(r, t, t)
	v.Saved = r.URL.Query().Has("saved")
	u.settingsPage(w, r, http.StatusOK, "settings_template", "settings.templates", "settings.templates.edit", v)
}

// templateSave saves the posted parts, or (the preview button, for
// browsers without script) only shows their preview. A refused template
// is shown again as typed with its problems beside the editor; nothing is
// saved.
func (u *ui) templateSave(w http.ResponseWriter, r *http.Request) {
	stored, err := u.stored(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	t := draft(r, stored)
	v := u.edit(r, stored, t)
	if r.PostFormValue("op") == "preview" {
		u.settingsPage(w, r, http.StatusOK, "settings_template", "settings.templates", "settings.templates.edit", v)
		return
	}
	t.UpdatedBy = userOf(r).ID
	if err := u.Templates.Save(r.Context(), t); err != nil {
		if len(v.Problems) == 0 {
			v.Problems = problems(r, err)
		}
		u.settingsPage(w, r, formStatus(err), "settings_template", "settings.templates", "settings.templates.edit", v)
		return
	}
	back(w, r, v.Path+"?saved=1")
}

// templateReset deletes the override, so the shipped default applies.
func (u *ui) templateReset(w http.ResponseWriter, r *http.Request) {
	name, locale, kind := templateID(r)
	if err := u.Templates.Reset(r.Context(), userOf(r).ID, name, locale, kind); err != nil {
		u.fail(w, r, err)
		return
	}
	t, err := u.Templates.Get(r.Context(), name, locale, kind)
	if errors.Is(err, templates.ErrNotFound) { // a custom template is gone
		back(w, r, "/settings/templates")
		return
	}
	back(w, r, templatePath(t)+"?saved=1")
}

// templatePreview answers app.js with the preview box of the posted
// template (name, locale, kind and its parts) as typed.
func (u *ui) templatePreview(w http.ResponseWriter, r *http.Request) {
	name, locale, kind := r.PostFormValue("name"), r.PostFormValue("locale"), templates.Kind(r.PostFormValue("kind"))
	stored, err := u.Templates.Get(r.Context(), name, locale, kind)
	if errors.Is(err, templates.ErrNotFound) {
		stored, err = templates.Template{Name: name, Locale: locale, Kind: kind, Custom: true}, nil
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.edit(r, stored, draft(r, stored))
	v.Fragment = true
	u.fragment(w, r, "settings_template", "template-preview", v)
}

func init() {
	addPages("settings_templates", "settings_template")
	addMessages(map[string][2]string{
		"settings.templates.edit":  {"ویرایش قالب", "Edit template"},
		"templates.name":           {"کلید", "Key"},
		"templates.description":    {"کاربرد", "What it is for"},
		"templates.locale":         {"زبان", "Language"},
		"templates.kind":           {"نوع کانال", "Channel kind"},
		"templates.state":          {"وضعیت", "State"},
		"templates.any":            {"همه", "All"},
		"templates.filter":         {"نمایش", "Show"},
		"templates.locale.fa":      {"فارسی", "Persian"},
		"templates.locale.en":      {"انگلیسی", "English"},
		"templates.kind.text":      {"متنی (پیامک، تلگرام…)", "Text (SMS, Telegram…)"},
		"templates.kind.email":     {"ایمیل", "Email"},
		"templates.default":        {"پیش\u200cفرض", "Default"},
		"templates.overridden":     {"تغییر یافته", "Changed"},
		"templates.custom":         {"افزوده\u200cی مدیر", "Added by an admin"},
		"templates.edit":           {"ویرایش", "Edit"},
		"templates.none":           {"قالبی با این مشخصات نیست.", "No template matches."},
		"templates.subject":        {"موضوع ایمیل", "Email subject"},
		"templates.body":           {"متن", "Text"},
		"templates.html":           {"HTML ایمیل (اختیاری)", "Email HTML (optional)"},
		"templates.preview":        {"پیش\u200cنمایش", "Preview"},
		"templates.preview.hint":   {"برای مشتری نمونه، سارا احمدی، با تاریخ\u200cهای نمونه", "For a sample contact, Sara Ahmadi, with sample dates"},
		"templates.preview.failed": {"پیش\u200cنمایش ممکن نیست تا ایراد قالب برطرف شود.", "No preview until the template's problem is fixed."},
		"templates.reset":          {"بازگشت به پیش\u200cفرض", "Reset to the default"},
		"templates.reset.custom":   {"حذف قالب", "Delete the template"},
		"templates.help":           {"راهنمای فیلدها و تابع\u200cها: templates/README.md", "Fields and functions: templates/README.md"},
		"templates.line":           {"خط", "line"},
		"templates.sep":            {"، ", ", "},
		"templates.detail":         {"جزئیات", "Detail"},
		"templates.part.subject":   {"موضوع", "Subject"},
		"templates.part.body":      {"متن", "Text"},
		"templates.part.html":      {"HTML", "HTML"},
		"templates.problem.syntax": {"قالب درست نوشته نشده است.", "The template is not written correctly."},
		"templates.problem.unknown_field": {"فیلد ناشناخته؛ فیلدهای مجاز در جزئیات آمده\u200cاند.",
			"Unknown field; the detail lists the fields there are."},
		"templates.problem.attribute": {"ویژگی\u200cهای مخاطب را با {{attr \"نام\"}} بخوانید.",
			"Read contact attributes with {{attr \"name\"}}."},
		"templates.problem.unknown_function": {"تابع ناشناخته.", "Unknown function."},
		"templates.problem.unclosed":         {"قالب وسط یک دستور تمام شده است؛ شاید {{end}} جا افتاده.", "The template ends inside an action: is an {{end}} missing?"},
		"templates.problem.html_context":     {"HTML را نمی\u200cتوان امن ساخت: برچسب یا نقل\u200cقولی باز مانده است.", "The HTML cannot be escaped safely: a tag or quote is left open."},
		"templates.problem.unsafe_html":      {"این HTML چیزی دارد که می\u200cتواند اسکریپت اجرا کند (script، on…، javascript:…) و پذیرفته نیست.", "This HTML has markup that can run script (script, on… handlers, javascript: links) and is refused."},
		"templates.problem.empty":            {"متن قالب خالی است.", "The text is empty."},
		"templates.problem.parts":            {"قالب متنی فقط متن دارد، نه موضوع یا HTML.", "A text template has a text only, no subject or HTML."},
		"templates.problem.too_long":         {"بیش از اندازه\u200cی مجاز بلند است.", "It is too long."},
		"templates.problem.encoding":         {"نویسه\u200cهای نامعتبر دارد.", "It holds invalid characters."},
		"templates.problem.id":               {"نام، زبان یا نوع قالب پذیرفته نیست.", "The template's name, language or kind is not accepted."},
		"templates.problem.run":              {"اجرای قالب با داده\u200cی نمونه شکست خورد.", "The template fails on the sample data."},
	})
}
