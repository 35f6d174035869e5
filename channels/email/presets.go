package email

import "github.com/peykhq/peyk/channels"

// server is the settings of one IMAP or SMTP server in a preset.
func server(host string, port int, tls string) map[string]any {
	return map[string]any{"host": host, "port": port, "tls": tls}
}

// presetSMTP is server with the login SMTP wants (plain, over TLS).
func presetSMTP(host string, port int, tls string) map[string]any {
	s := server(host, port, tls)
	s["auth"] = AuthPlain
	return s
}

// presets are the common mailboxes: the hosts of Gmail and Outlook
// (signed in to with an app password) and a plain IMAP/SMTP server.
func presets() []channels.Preset {
	return []channels.Preset{
		{Name: "gmail", Label: channels.Text{Fa: "جیمیل (گذرواژهٔ برنامه)", En: "Gmail (app password)"},
			Settings: map[string]any{
				"imap": server("imap.gmail.com", 993, TLSImplicit),
				"smtp": presetSMTP("smtp.gmail.com", 587, TLSStartTLS),
			}},
		{Name: "outlook", Label: channels.Text{Fa: "اوت\u200cلوک / آفیس ۳۶۵ (گذرواژهٔ برنامه)", En: "Outlook / Office 365 (app password)"},
			Settings: map[string]any{
				"imap": server("outlook.office365.com", 993, TLSImplicit),
				"smtp": presetSMTP("smtp.office365.com", 587, TLSStartTLS),
			}},
		{Name: "imap", Label: channels.Text{Fa: "سرور IMAP/SMTP", En: "IMAP/SMTP server"},
			Settings: map[string]any{
				"imap": map[string]any{"port": 993, "tls": TLSImplicit},
				"smtp": map[string]any{"port": 587, "tls": TLSStartTLS, "auth": AuthPlain},
			}},
	}
}
