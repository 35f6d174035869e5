package web

// reportText translates the reports page's own strings (the layout's come
// from the UI catalogue).
type reportText struct{ fa bool }

// t returns key's text in the page's language, or key when it has none.
func (tr reportText) t(key string) string {
	m, ok := map[string][2]string{
		"title":            {"گزارش\u200cها", "Reports"},
		"from":             {"از", "From"},
		"to":               {"تا", "To"},
		"channel":          {"کانال", "Channel"},
		"team":             {"تیم", "Team"},
		"agent":            {"کارشناس", "Agent"},
		"all":              {"همه", "All"},
		"business_hours":   {"فقط ساعت کاری", "Business hours only"},
		"callback_hours":   {"مهلت تماس برگشتی (ساعت)", "Call back within (hours)"},
		"show":             {"نمایش", "Show"},
		"requests":         {"درخواست\u200cها", "Requests"},
		"customers":        {"مشتری", "customers"},
		"first_response":   {"انتظار تا اولین پاسخ", "Wait for first response"},
		"resolution":       {"زمان رسیدگی تا حل", "Handling time to resolve"},
		"pending":          {"در انتظار", "pending"},
		"exchanges":        {"میانگین رفت\u200cوبرگشت هر درخواست", "Exchanges per request"},
		"calls":            {"تماس\u200cهای دریافتی", "Calls received"},
		"answered":         {"پاسخ\u200cداده", "answered"},
		"missed":           {"بی\u200cپاسخ", "missed"},
		"outgoing":         {"خروجی", "outgoing"},
		"not_called_back":  {"تماس بی\u200cپاسخِ پیگیری\u200cنشده", "Missed calls not called back"},
		"within":           {"در", "within"},
		"hours":            {"ساعت", "hours"},
		"breaches":         {"نقض SLA", "SLA breaches"},
		"reassignments":    {"ارجاع دوباره", "reassignments"},
		"backlog":          {"کارهای باز", "Backlog"},
		"waiting":          {"منتظر پاسخ", "waiting"},
		"per_channel":      {"درخواست\u200cها به تفکیک کانال", "Requests per channel"},
		"per_day":          {"درخواست\u200cها در هر روز", "Requests per day"},
		"per_month":        {"درخواست\u200cها در هر ماه", "Requests per month"},
		"per_weekday":      {"روزهای هفته", "Busiest weekdays"},
		"per_month_day":    {"روزهای ماه", "Days of the month"},
		"backlog_daily":    {"کارهای باز در پایان هر روز", "Backlog at the end of each day"},
		"closed_per_agent": {"بسته\u200cشده به تفکیک کارشناس", "Closed per agent"},
		"agents":           {"کارشناسان", "Agents"},
		"closed":           {"بسته\u200cشده", "Closed"},
		"reopened":         {"بازگشایی\u200cشده", "Reopened"},
		"reopen_rate":      {"نرخ بازگشایی", "Reopen rate"},
		"csat":             {"رضایت مشتری", "CSAT"},
		"none":             {"—", "—"},
		"system":           {"سیستم", "System"},
		"csv":              {"خروجی CSV", "CSV export"},
		"date_hint":        {"۱۴۰۴/۱۲/۲۹", "2026-03-20"},
	}[key]
	if !ok {
		return key
	}
	if tr.fa {
		return m[0]
	}
	return m[1]
}
