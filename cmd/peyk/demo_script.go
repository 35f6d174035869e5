package main

import (
	"fmt"
	"time"
)

// demoCustomer is a simulated customer: the handles they write from.
type demoCustomer struct {
	First, Last string
	Email       string
	// Phone is the number in E.164, as an SMS gateway reports it; Local is
	// the same number as the PBX shows it (0912…). The inbox makes them one.
	Phone, Local string
	Telegram     int64 // Telegram user id
}

// Name is the customer's full name.
func (c demoCustomer) Name() string {
	if c.Last == "" {
		return c.First
	}
	return c.First + " " + c.Last
}

// String names the customer in logs: the name, else the number.
func (c demoCustomer) String() string {
	if n := c.Name(); n != "" {
		return n
	}
	return c.Phone
}

// Kinds of demo events: the channel a simulated customer uses.
const (
	viaEmail    = "email"
	viaTelegram = "telegram"
	viaSMS      = "sms"
	viaCall     = "call"
)

// demoEvent is one thing a simulated customer does.
type demoEvent struct {
	// ID is stable: it makes the message's external id, so the same event
	// sent again (a second start) is stored once.
	ID      string
	Via     string
	Who     demoCustomer
	Text    string
	Subject string // email
	// ReplyTo is the ID of an earlier email event this mail answers;
	// InReplyTo is the Message-ID of an agent's mail it answers, and To
	// the address it goes to (empty: the demo mailbox).
	ReplyTo, InReplyTo, To string
	// Attach adds an invoice PDF to a mail, or makes a Telegram message a
	// photo (Text is its caption).
	Attach bool
	// Contact makes a Telegram message the customer's own shared contact.
	Contact bool
	// Disposition and Seconds describe a call.
	Disposition string
	Seconds     int
	// Tags go on the event's conversation when the workspace is seeded.
	Tags []string
}

// demoPeople are the simulated customers.
type demoPeople struct {
	Sara, Ali, John, Maryam, Emma, Farhad, Reza, Negar, David, Amir, Hossein, Zahra, NoName, Keyvan demoCustomer
}

func newDemoPeople() demoPeople {
	return demoPeople{
		Sara:    demoCustomer{First: "سارا", Last: "محمدی", Phone: "+989121234567", Local: "09121234567", Telegram: 710001},
		Ali:     demoCustomer{First: "علی", Last: "رضایی", Email: "ali.rezaei@example.ir"},
		John:    demoCustomer{First: "John", Last: "Carter", Email: "john.carter@example.com"},
		Maryam:  demoCustomer{First: "مریم", Last: "احمدی", Email: "maryam.ahmadi@example.ir"},
		Emma:    demoCustomer{First: "Emma", Last: "Wilson", Email: "emma.wilson@example.co.uk"},
		Farhad:  demoCustomer{First: "فرهاد", Last: "نوری", Email: "farhad.noori@example.ir"},
		Reza:    demoCustomer{First: "رضا", Last: "کریمی", Telegram: 710002},
		Negar:   demoCustomer{First: "نگار", Last: "حسینی", Telegram: 710003},
		David:   demoCustomer{First: "David", Last: "Miller", Telegram: 710004},
		Amir:    demoCustomer{First: "امیر", Last: "تهرانی", Telegram: 710005},
		Hossein: demoCustomer{First: "حسین", Last: "جعفری", Phone: "+989351112233", Local: "09351112233"},
		Zahra:   demoCustomer{First: "زهرا", Last: "موسوی", Phone: "+989187654321", Local: "09187654321"},
		NoName:  demoCustomer{Phone: "+989129998877"},
		Keyvan:  demoCustomer{First: "کیوان", Last: "صالحی", Local: "09127776655"},
	}
}

// demoBurst is what customers write when the demo starts, in order: Sara
// texts by SMS, then writes on Telegram and shares her phone number there,
// so the two contacts become one (her calls join it too).
func demoBurst(p demoPeople) []demoEvent {
	return []demoEvent{
		{ID: "s-sara-1", Via: viaSMS, Who: p.Sara, Text: "سلام، کد سفارش من ۴۵۱۳ هست. کی ارسال میشه؟", Tags: []string{"سفارش"}},
		{ID: "e-ali-1", Via: viaEmail, Who: p.Ali, Subject: "سفارش ۴۵۱۲ هنوز نرسیده",
			Text: "سلام،\n\nسفارش ۴۵۱۲ را ده روز پیش ثبت کردم و هنوز به دستم نرسیده. لطفاً پیگیری کنید.\n\nبا تشکر\nعلی رضایی", Tags: []string{"سفارش", "ارسال"}},
		{ID: "t-sara-1", Via: viaTelegram, Who: p.Sara, Text: "سلام، برای پیگیری سفارشم پیام دادم. شماره\u200cام رو هم می\u200cفرستم."},
		{ID: "t-sara-2", Via: viaTelegram, Who: p.Sara, Contact: true},
		{ID: "e-john-1", Via: viaEmail, Who: p.John, Subject: "Invoice for order 4471", Attach: true,
			Text: "Hello,\n\nPlease find attached the invoice for order 4471. Shipping seems to be charged twice - could you check?\n\nBest regards,\nJohn Carter", Tags: []string{"billing"}},
		{ID: "t-reza-1", Via: viaTelegram, Who: p.Reza, Text: "سلام، گوشی\u200cای که هفته\u200cی پیش خریدم صفحه\u200cاش ترک برداشته 😞", Tags: []string{"گارانتی"}},
		{ID: "t-reza-2", Via: viaTelegram, Who: p.Reza, Attach: true, Text: "این هم عکسش"},
		{ID: "s-hossein-1", Via: viaSMS, Who: p.Hossein, Text: "لطفاً فاکتور خریدم رو پیامک کنید. ممنون", Tags: []string{"billing"}},
		{ID: "e-maryam-1", Via: viaEmail, Who: p.Maryam, Subject: "درخواست مرجوعی کالا",
			Text: "سلام، وقت بخیر\n\nکفشی که خریدم یک سایز کوچک است. چطور می\u200cتوانم مرجوعش کنم؟\n\nمریم احمدی", Tags: []string{"مرجوعی"}},
		{ID: "t-negar-1", Via: viaTelegram, Who: p.Negar, Text: "ساعت کاری فروشگاه تا کی هست؟ جمعه\u200cها هم بازید؟"},
		{ID: "s-zahra-1", Via: viaSMS, Who: p.Zahra, Text: "آدرس شعبه\u200cی ونک کجاست؟"},
		{ID: "e-emma-1", Via: viaEmail, Who: p.Emma, Subject: "Do you deliver to Shiraz?",
			Text: "Hi there,\n\nI'm visiting Iran next month. Can you deliver a power bank to my hotel in Shiraz?\n\nThanks,\nEmma"},
		{ID: "t-david-1", Via: viaTelegram, Who: p.David, Text: "Hi! Do you ship to Dubai? How long does it take?"},
		{ID: "c-hossein-1", Via: viaCall, Who: p.Hossein, Disposition: "ANSWERED", Seconds: 192},
		{ID: "s-noname-1", Via: viaSMS, Who: p.NoName, Text: "موجودی یخچال ساید بای ساید دارید؟ قیمتش چنده؟"},
		{ID: "t-amir-1", Via: viaTelegram, Who: p.Amir, Text: "کد تخفیف YALDA1405 موقع پرداخت خطا میده", Tags: []string{"کد-تخفیف"}},
		{ID: "e-farhad-1", Via: viaEmail, Who: p.Farhad, Subject: "همکاری برای فروش عمده",
			Text: "با سلام\n\nما یک فروشگاه زنجیره\u200cای در اصفهان هستیم و برای خرید عمده\u200cی لوازم جانبی موبایل علاقه\u200cمند به همکاری هستیم.\n\nفرهاد نوری", Tags: []string{"فروش-عمده"}},
		{ID: "c-keyvan-1", Via: viaCall, Who: p.Keyvan, Disposition: "BUSY"},
	}
}

// demoFollowups come after the workspace is seeded (conversations
// assigned): Ali answers his own thread, and Sara calls and nobody picks
// up, which asks her assignee to call back.
func demoFollowups(p demoPeople) []demoEvent {
	return []demoEvent{
		{ID: "e-ali-2", Via: viaEmail, Who: p.Ali, Subject: "Re: سفارش ۴۵۱۲ هنوز نرسیده", ReplyTo: "e-ali-1",
			Text: "کد رهگیری پستی هم برایم نیامده. لطفاً زودتر خبر بدهید.\n\nعلی"},
		{ID: "c-sara-1", Via: viaCall, Who: p.Sara, Disposition: "NO ANSWER"},
	}
}

// demoReply is an agent's answer the seeded workspace already has, so
// every way out is shown working: mail through the SMTP stand-in, Telegram
// through the Bot API stand-in, SMS through the Twilio stand-in.
type demoReply struct {
	To    string // the event whose conversation is answered
	Agent int    // index into the demo agents
	Text  string
}

func demoReplies() []demoReply {
	return []demoReply{
		{To: "e-ali-1", Agent: 0, Text: "سلام آقای رضایی،\n\nسفارش ۴۵۱۲ امروز از انبار ارسال شد. کد رهگیری را تا عصر برایتان می\u200cفرستیم.\n\nبا احترام"},
		{To: "t-negar-1", Agent: 0, Text: "سلام! شنبه تا پنجشنبه از ۹ تا ۲۱ باز هستیم؛ جمعه\u200cها تعطیل است 🌷"},
		{To: "s-zahra-1", Agent: 1, Text: "شعبه\u200cی ونک: خیابان ملاصدرا، پلاک ۱۲. از ۹ تا ۲۱ در خدمتیم."},
		{To: "t-david-1", Agent: 1, Text: "Hi David! Yes, we ship to Dubai in 5-7 working days."},
	}
}

// demoNotes are private notes the seeded workspace has.
func demoNotes() []demoReply {
	return []demoReply{
		{To: "t-reza-2", Agent: 0, Text: "عکس ترک صفحه رسید؛ با واحد گارانتی هماهنگ می\u200cکنم."},
		{To: "e-john-1", Agent: 1, Text: "Checked the invoice: shipping was indeed added twice. Refund pending approval."},
	}
}

// demoCDR is the demo PBX's call log: Sara's earlier call (so her phone
// conversation exists before she calls again), a company, a missed call
// from Zahra (0918… here, +98918… by SMS: one contact), an outgoing call
// and an internal one (skipped).
func demoCDR(p demoPeople) []demoCDRRow {
	return []demoCDRRow{
		{Src: p.Sara.Local, Dst: "02188776655", CLID: `"سارا محمدی" <09121234567>`, Before: 2 * time.Hour, Disposition: "ANSWERED", Seconds: 245},
		{Src: "02144556677", Dst: "02188776655", CLID: `"شرکت آریان" <02144556677>`, Before: 3 * time.Hour, Disposition: "ANSWERED", Seconds: 410},
		{Src: p.Zahra.Local, Dst: "02188776655", CLID: `"زهرا موسوی" <09187654321>`, Before: time.Hour, Disposition: "NO ANSWER"},
		{Src: "101", Dst: p.Hossein.Local, CLID: `"Neda" <101>`, Before: 150 * time.Minute, Disposition: "ANSWERED", Seconds: 95},
		{Src: "101", Dst: "102", CLID: `"Neda" <101>`, Before: 170 * time.Minute, Disposition: "ANSWERED", Seconds: 30}, // internal: skipped
	}
}

// demoLive returns the n-th event of the steady trickle after the burst:
// known customers writing again on their channels, and now and then a new
// Telegram customer. id makes its external id; it must be new each time.
func demoLive(p demoPeople, n int, id string) demoEvent {
	if n%4 == 3 {
		names := [][2]string{{"پریسا", "نادری"}, {"محمد", "اکبری"}, {"Lena", "Fischer"}, {"بهاره", "شریفی"}, {"کامران", "فرهادی"}, {"Omid", "Rahimi"}}
		texts := []string{"سلام، این محصول رو با ارسال رایگان دارید؟", "سلام، سفارشم لغو شده ولی پولش برنگشته", "Hello, is the blue one back in stock?",
			"سلام وقت بخیر، امکان پرداخت اقساطی هست؟", "برای خرید سازمانی باید با کی صحبت کنم؟", "Can I change the delivery address of my order?"}
		k := (n / 4) % len(names)
		who := demoCustomer{First: names[k][0], Last: names[k][1], Telegram: 720000 + int64(n%100000)}
		return demoEvent{ID: id, Via: viaTelegram, Who: who, Text: texts[k]}
	}
	lines := []demoEvent{
		{Via: viaTelegram, Who: p.Sara, Text: "ممنون، منتظرم 🙏"},
		{Via: viaSMS, Who: p.Hossein, Text: "فاکتور رسید، ممنون از پیگیری\u200cتون"},
		{Via: viaEmail, Who: p.John, Subject: "Re: Invoice for order 4471", ReplyTo: "e-john-1", Text: "Hi again,\n\nAny news about the double shipping charge?\n\nJohn"},
		{Via: viaTelegram, Who: p.David, Text: "Great, thanks! Can I pay in dollars?"},
		{Via: viaCall, Who: p.Keyvan, Disposition: "ANSWERED", Seconds: 75},
		{Via: viaSMS, Who: p.Zahra, Text: "پارکینگ هم داره؟"},
		{Via: viaTelegram, Who: p.Amir, Text: "الان دوباره امتحان کردم، باز هم خطا داد"},
		{Via: viaEmail, Who: p.Maryam, Subject: "Re: درخواست مرجوعی کالا", ReplyTo: "e-maryam-1", Text: "سلام، کالا را امروز با پست فرستادم.\nمریم"},
		{Via: viaCall, Who: p.Sara, Disposition: "NO ANSWER"},
		{Via: viaTelegram, Who: p.Reza, Text: "کی می\u200cتونم گوشی رو بیارم؟"},
		{Via: viaSMS, Who: p.NoName, Text: "سلام؟ کسی جواب نمیده؟"},
		{Via: viaEmail, Who: p.Emma, Subject: "Re: Do you deliver to Shiraz?", ReplyTo: "e-emma-1", Text: "Hello again - my hotel is near Eram Garden, if that helps.\n\nEmma"},
	}
	e := lines[(n-n/4)%len(lines)]
	e.ID = id
	return e
}

// demoLiveID is the id of a live event: unique across starts.
func demoLiveID(now time.Time) string { return fmt.Sprintf("live-%d", now.UnixNano()) }
