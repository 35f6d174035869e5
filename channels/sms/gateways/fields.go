package gateways

import "github.com/peykhq/peyk/channels"

func txt(fa, en string) channels.Text { return channels.Text{Fa: fa, En: en} }

// fields declares the settings of every gateway; which apply depends on
// "driver" (Validate refuses one the chosen gateway does not take).
func fields() []channels.Field {
	str := func(name string, help channels.Text) channels.Field {
		return channels.Field{Name: name, Type: channels.FieldString, Help: help}
	}
	secret := func(name string, help channels.Text) channels.Field {
		return channels.Field{Name: name, Type: channels.FieldString, Secret: true, Help: help}
	}
	return []channels.Field{
		{Name: "driver", Type: channels.FieldEnum, Required: true, Choices: []string{"twilio", "kavenegar", "generic"},
			Help: txt("درگاه پیامک", "SMS gateway")},
		str("from", txt("شماره یا نام فرستنده", "Sending number or name")),
		// Twilio.
		str("account_sid", txt("شناسهٔ حساب Twilio (AC…)", "Twilio account SID (AC…)")),
		secret("auth_token", txt("توکن Twilio", "Twilio auth token")),
		{Name: "status_callback_url", Type: channels.FieldURL, Help: txt("نشانی گزارش تحویل Twilio", "Twilio delivery report URL")},
		{Name: "public_url", Type: channels.FieldURL, Help: txt("نشانی عمومی Peyk (امضای Twilio)", "Peyk's public URL (Twilio signatures)")},
		// Twilio and Kavenegar.
		{Name: "api_base", Type: channels.FieldURL, Help: txt("ریشهٔ API درگاه", "Gateway API root")},
		// Kavenegar.
		secret("api_key", txt("کلید API کاوه\u200cنگار", "Kavenegar API key")),
		str("sender", txt("خط فرستندهٔ کاوه\u200cنگار", "Kavenegar sending line")),
		secret("callback_secret", txt("رمز نشانی بازگشت کاوه\u200cنگار", "Kavenegar callback secret")),
		{Name: "poll_seconds", Type: channels.FieldInt, Help: txt("دریافت با پرسش هر چند ثانیه (کاوه\u200cنگار)", "Poll for messages every N seconds (Kavenegar)")},
		// Generic HTTP.
		{Name: "send_url", Type: channels.FieldString, Help: txt("الگوی نشانی ارسال", "Send URL template")},
		{Name: "method", Type: channels.FieldString, Default: "POST", Help: txt("روش درخواست ارسال", "Send request method")},
		str("body", txt("الگوی بدنهٔ درخواست", "Request body template")),
		str("content_type", txt("نوع بدنه", "Body content type")),
		{Name: "form", Type: channels.FieldMap, Help: txt("فیلدهای فرم ارسال", "Send form fields")},
		{Name: "headers", Type: channels.FieldMap, Help: txt("سرآیندهای ارسال (پنهان)", "Send headers (kept secret)")},
		str("response_id_path", txt("مسیر شناسهٔ پیام در پاسخ JSON", "Message id path in a JSON reply")),
		str("response_id_regexp", txt("عبارت باقاعدهٔ شناسه در پاسخ", "Regexp of the id in a text reply")),
		str("external_id", txt("الگوی شناسهٔ گزارش تحویل", "Template of the delivery report id")),
		{Name: "secret_params", Type: channels.FieldList, Help: txt("نام پارامترهای پنهان دیگر", "Names of further secret parameters")},
		{Name: "inbound", Type: channels.FieldObject, Help: txt("فیلدهای وب\u200cهوک پیام ورودی", "Incoming message webhook fields"),
			Fields: []channels.Field{str("from", txt("فرستنده", "Sender")), str("to", txt("گیرنده", "Recipient")),
				str("text", txt("متن", "Text")), str("id", txt("شناسه", "Id"))}},
		{Name: "status", Type: channels.FieldObject, Help: txt("فیلدهای وب\u200cهوک گزارش تحویل", "Delivery report webhook fields"),
			Fields: []channels.Field{str("id", txt("شناسه", "Id")), str("status", txt("وضعیت", "Status")),
				str("error", txt("خطا", "Error")),
				{Name: "values", Type: channels.FieldMap, Help: txt("نگاشت وضعیت\u200cها", "Status value mapping")}}},
		secret("secret", txt("رمز وب\u200cهوک\u200cها", "Webhook secret")),
		str("secret_header", txt("سرآیند رمز وب\u200cهوک", "Webhook secret header")),
	}
}
