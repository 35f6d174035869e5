package web

import (
	"fmt"
	"strings"
)

// messages is the agent UI's message catalogue: each key's Persian and
// English text. A key missing here renders as itself, so a forgotten
// string shows up in review instead of as an empty label (a test checks
// that every key used by the views is here).
var messages = map[string][2]string{
	"app.name":         {"پیک", "Peyk"},
	"nav.inbox":        {"صندوق", "Inbox"},
	"nav.contacts":     {"مخاطبان", "Contacts"},
	"nav.reports":      {"گزارش\u200cها", "Reports"},
	"nav.logout":       {"خروج", "Log out"},
	"nav.language":     {"زبان", "Language"},
	"nav.help":         {"میان\u200cبرها", "Shortcuts"},
	"lang.fa":          {"فارسی", "فارسی"},
	"lang.en":          {"English", "English"},
	"skip":             {"پرش به محتوا", "Skip to content"},
	"filter.status":    {"وضعیت", "Status"},
	"filter.channel":   {"کانال", "Channel"},
	"filter.assignee":  {"کارشناس", "Assignee"},
	"filter.tag":       {"برچسب", "Tag"},
	"filter.q":         {"جست\u200cوجو", "Search"},
	"filter.apply":     {"اعمال", "Apply"},
	"filter.any":       {"همه", "Any"},
	"filter.mine":      {"مال من", "Mine"},
	"filter.none":      {"بدون کارشناس", "Unassigned"},
	"status.open":      {"باز", "Open"},
	"status.pending":   {"در انتظار", "Pending"},
	"status.snoozed":   {"به تعویق", "Snoozed"},
	"status.resolved":  {"حل\u200cشده", "Resolved"},
	"status.all":       {"همه", "All"},
	"priority":         {"اولویت", "Priority"},
	"priority.none":    {"هیچ", "None"},
	"priority.low":     {"کم", "Low"},
	"priority.medium":  {"متوسط", "Medium"},
	"priority.high":    {"زیاد", "High"},
	"priority.urgent":  {"فوری", "Urgent"},
	"kind.email":       {"ایمیل", "Email"},
	"kind.telegram":    {"تلگرام", "Telegram"},
	"kind.sms":         {"پیامک", "SMS"},
	"kind.phone":       {"تلفن", "Phone"},
	"kind.note":        {"یادداشت", "Note"},
	"kind.other":       {"کانال", "Channel"},
	"inbox.title":      {"صندوق ورودی", "Inbox"},
	"inbox.empty":      {"گفت\u200cوگویی نیست.", "No conversations."},
	"inbox.waiting":    {"منتظر پاسخ", "Waiting"},
	"inbox.unread":     {"خوانده\u200cنشده", "unread"},
	"inbox.next":       {"صفحهٔ بعد", "Next page"},
	"inbox.first":      {"صفحهٔ اول", "First page"},
	"inbox.nosubject":  {"(بی\u200cموضوع)", "(no subject)"},
	"ago.now":          {"همین حالا", "just now"},
	"ago.min":          {"%s دقیقه پیش", "%s min ago"},
	"ago.hour":         {"%s ساعت پیش", "%s h ago"},
	"ago.day":          {"%s روز پیش", "%s d ago"},
	"conv.title":       {"گفت\u200cوگو", "Conversation"},
	"conv.ref":         {"شماره", "Ref"},
	"conv.reply":       {"پاسخ", "Reply"},
	"conv.send":        {"ارسال", "Send"},
	"conv.via":         {"از طریق", "Via"},
	"conv.note":        {"یادداشت خصوصی", "Private note"},
	"conv.addnote":     {"افزودن یادداشت", "Add note"},
	"conv.canned":      {"پاسخ آماده", "Canned response"},
	"conv.insert":      {"درج", "Insert"},
	"conv.assign":      {"واگذاری", "Assign"},
	"conv.unassign":    {"بدون کارشناس", "Nobody"},
	"conv.setstatus":   {"تغییر وضعیت", "Set status"},
	"conv.snooze":      {"تعویق تا", "Snooze until"},
	"conv.remind":      {"یادآوری در", "Remind me at"},
	"conv.remindtext":  {"متن یادآوری", "Reminder note"},
	"conv.save":        {"ذخیره", "Save"},
	"conv.resolve":     {"حل شد", "Resolve"},
	"conv.reopen":      {"بازگشایی", "Reopen"},
	"conv.reminders":   {"یادآوری\u200cها", "Reminders"},
	"conv.showhtml":    {"نسخهٔ HTML", "HTML version"},
	"conv.truncated":   {"این پیام کوتاه شده است.", "This message was truncated."},
	"conv.older":       {"پیام\u200cهای قدیمی\u200cتر", "Older messages"},
	"conv.newest":      {"تازه\u200cترین پیام\u200cها", "Newest messages"},
	"conv.empty":       {"هنوز پیامی نیست.", "No messages yet."},
	"conv.you":         {"کارشناس", "Agent"},
	"conv.system":      {"سامانه", "System"},
	"conv.failed":      {"ارسال نشد", "Not sent"},
	"msg.received":     {"دریافت\u200cشده", "received"},
	"msg.queued":       {"در صف", "queued"},
	"msg.sent":         {"ارسال\u200cشده", "sent"},
	"msg.delivered":    {"تحویل\u200cشده", "delivered"},
	"msg.failed":       {"ناموفق", "failed"},
	"call.in":          {"تماس ورودی", "Incoming call"},
	"call.out":         {"تماس خروجی", "Outgoing call"},
	"call.duration":    {"مدت", "Duration"},
	"call.recording":   {"ضبط تماس", "Recording"},
	"call.ANSWERED":    {"پاسخ داده شد", "answered"},
	"call.NO ANSWER":   {"بی\u200cپاسخ", "no answer"},
	"call.BUSY":        {"اشغال", "busy"},
	"call.FAILED":      {"ناموفق", "failed"},
	"call.CONGESTION":  {"شبکه شلوغ", "congestion"},
	"attachments":      {"پیوست\u200cها", "Attachments"},
	"contact.panel":    {"مخاطب", "Contact"},
	"contact.ids":      {"شناسه\u200cها", "Identities"},
	"contact.tags":     {"برچسب\u200cها", "Tags"},
	"contact.attrs":    {"ویژگی\u200cها", "Attributes"},
	"contact.others":   {"گفت\u200cوگوهای دیگر", "Other conversations"},
	"contact.open":     {"صفحهٔ مخاطب", "Contact page"},
	"contact.noname":   {"(بی\u200cنام)", "(no name)"},
	"contacts.title":   {"مخاطبان", "Contacts"},
	"contacts.search":  {"نام، ایمیل، تلفن یا تلگرام", "Name, email, phone or Telegram"},
	"contacts.empty":   {"مخاطبی پیدا نشد.", "No contacts found."},
	"contact.timeline": {"همهٔ پیام\u200cها در همهٔ کانال\u200cها", "Every message on every channel"},
	"contact.merge":    {"ادغام با مخاطب دیگر", "Merge another contact into this one"},
	"contact.mergeid":  {"شمارهٔ مخاطب دیگر", "Other contact's number"},
	"contact.mergego":  {"ادغام", "Merge"},
	"contact.merges":   {"ادغام\u200cهای قبلی", "Earlier merges"},
	"contact.unmerge":  {"لغو ادغام", "Undo merge"},
	"contact.merged":   {"این مخاطب در مخاطب دیگری ادغام شده است:", "This contact was merged into:"},
	"help.title":       {"میان\u200cبرهای صفحه\u200cکلید", "Keyboard shortcuts"},
	"help.jk":          {"گفت\u200cوگوی بعدی / قبلی", "Next / previous conversation"},
	"help.o":           {"باز کردن گفت\u200cوگوی انتخاب\u200cشده", "Open the selected conversation"},
	"help.r":           {"نوشتن پاسخ", "Write a reply"},
	"help.n":           {"نوشتن یادداشت", "Write a note"},
	"help.e":           {"حل کردن گفت\u200cوگو", "Resolve the conversation"},
	"help.slash":       {"جست\u200cوجو", "Search"},
	"help.help":        {"این راهنما", "This help"},
	"help.close":       {"بستن", "Close"},
	"live.new":         {"پیام تازه رسید.", "New message."},
	"error.title":      {"خطا", "Error"},
	"error.back":       {"بازگشت", "Go back"},
}

// translator renders catalogue keys in one locale.
type translator struct{ fa bool }

// t returns key's text, formatted with args when there are any.
func (tr translator) t(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[1]
	if tr.fa {
		s = m[0]
	}
	if len(args) > 0 && strings.Contains(s, "%") {
		s = fmt.Sprintf(s, args...)
	}
	return s
}
