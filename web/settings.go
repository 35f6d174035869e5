package web

import (
	"net/http"

	"github.com/peykhq/peyk/web/auth"
)

// settingsSection is one page of the settings area: its path and the
// catalogue keys of its name and of a line saying what it is for.
type settingsSection struct{ Path, Key, Hint string }

// settingsSections are the settings area's pages in the order its menu
// shows them.
var settingsSections = []settingsSection{
	{"/settings/channels", "settings.channels", "settings.channels.hint"},
	{"/settings/people", "settings.people", "settings.people.hint"},
	{"/settings/teams", "settings.teams", "settings.teams.hint"},
	{"/settings/sla", "settings.sla", "settings.sla.hint"},
	{"/settings/templates", "settings.templates", "settings.templates.hint"},
	{"/settings/canned", "settings.canned", "settings.canned.hint"},
	{"/settings/tags", "settings.tags", "settings.tags.hint"},
	{"/settings/audit", "settings.audit", "settings.audit.hint"},
}

// pageRoutes registers browser pages: admin for the settings area (an
// agent gets a 403 page), agent for what every signed-in user may do.
type pageRoutes struct {
	admin, agent func(pattern string, h http.HandlerFunc)
}

// settingsRoutes registers the settings area: its index and each
// section's pages.
func (u *ui) settingsRoutes(mux *http.ServeMux) {
	p := pageRoutes{
		admin: func(pattern string, h http.HandlerFunc) { u.handlePage(mux, auth.RoleAdmin, pattern, h) },
		agent: func(pattern string, h http.HandlerFunc) { u.handlePage(mux, auth.RoleAgent, pattern, h) },
	}
	p.admin("GET /settings", u.settingsIndex)
	u.channelSettings(p)
	u.peopleSettings(p)
	u.teamSettings(p)
	u.slaSettings(p)
	u.templateSettings(p)
	u.tagSettings(p)
	u.auditSettings(p)
	// The menu lists the sections this server has: one whose dependency
	// is missing (no channel admin, say) registers no page.
	registered := map[string]bool{}
	for _, pg := range u.pages {
		registered[pg.Pattern] = true
	}
	u.sections = nil
	for _, sec := range settingsSections {
		if registered["GET "+sec.Path] {
			u.sections = append(u.sections, sec)
		}
	}
	u.views.bind(map[string]any{"settingsSections": func() []settingsSection { return u.sections }})
}

// settingsIndex lists the settings area's sections.
func (u *ui) settingsIndex(w http.ResponseWriter, r *http.Request) {
	u.settingsPage(w, r, http.StatusOK, "settings", "", "settings.title", u.sections)
}

// settingsPage renders view name of the settings area with its menu,
// section (a settingsSections key) marked as the current one.
func (u *ui) settingsPage(w http.ResponseWriter, r *http.Request, status int, name, section, title string, view any) {
	d := u.pageData(r, name, "settings", title, view)
	d.Section = section
	u.show(w, status, d)
}

func init() {
	addPages("settings")
	addMessages(map[string][2]string{
		"nav.settings":            {"تنظیمات", "Settings"},
		"settings.title":          {"تنظیمات", "Settings"},
		"settings.menu":           {"بخش\u200cهای تنظیمات", "Settings sections"},
		"settings.channels":       {"کانال\u200cها", "Channels"},
		"settings.channels.hint":  {"ایمیل، پیامک، تلگرام و دیگر کانال\u200cها: افزودن، ویرایش، آزمودن اتصال", "Email, SMS, Telegram and the other channels: add, edit, test the connection"},
		"settings.people":         {"کاربران", "People"},
		"settings.people.hint":    {"کارشناسان و مدیران، نقش، دسترسی، توکن\u200cهای API", "Agents and admins, roles, access, API tokens"},
		"settings.teams":          {"تیم\u200cها", "Teams"},
		"settings.teams.hint":     {"تیم\u200cها، اعضا و کانال\u200cهایی که به هر تیم می\u200cرسند", "Teams, their members and the channels routed to each"},
		"settings.sla":            {"زمان پاسخ (SLA)", "Response times (SLA)"},
		"settings.sla.hint":       {"هدف\u200cهای زمان پاسخ، ساعت کاری، تعطیلات و اقدام هنگام تأخیر", "Response targets, business hours, holidays and what happens on a breach"},
		"settings.templates":      {"قالب\u200cها", "Templates"},
		"settings.templates.hint": {"متن یادآورها و پیام\u200cهای خودکار با پیش\u200cنمایش", "The text of reminders and automatic messages, with a preview"},
		"settings.canned":         {"پاسخ\u200cهای آماده", "Canned responses"},
		"settings.canned.hint":    {"پاسخ\u200cهای آماده\u200cای که کارشناسان در پاسخ می\u200cگذارند", "Ready answers agents insert into replies"},
		"settings.tags":           {"برچسب\u200cها", "Tags"},
		"settings.tags.hint":      {"برچسب\u200cها، رنگ، تغییر نام و ادغام", "Tags, their colours, renaming and merging"},
		"settings.audit":          {"گزارش تغییرات", "Audit log"},
		"settings.audit.hint":     {"چه کسی چه چیزی را کی تغییر داد", "Who changed what, and when"},
		"settings.saved":          {"ذخیره شد.", "Saved."},
		"settings.save":           {"ذخیره", "Save"},
		"settings.cancel":         {"انصراف", "Cancel"},
		"error.required":          {"این فیلد لازم است.", "This field is required."},
		"error.field":             {"این مقدار پذیرفته نیست.", "This value is not accepted."},
		"list.sep":                {"، ", ", "},
	})
}
