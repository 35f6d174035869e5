package email

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/peykhq/peyk/channels"
)

// settings are an email channel's whole settings: the config with the two
// passwords beside it.
type settings struct {
	Config
	Secrets
}

func decode(raw json.RawMessage) (settings, error) {
	var s settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("email: settings: %w", err)
	}
	return s, nil
}

// tlsModes are the values of the tls fields.
var tlsModes = []string{TLSImplicit, TLSStartTLS, TLSNone}

func serverFields(what string, auth bool) []channels.Field {
	fs := []channels.Field{
		{Name: "host", Type: channels.FieldString, Required: true,
			Help: channels.Text{Fa: "نشانی سرور " + what, En: what + " server host"}},
		{Name: "port", Type: channels.FieldInt, Required: true,
			Help: channels.Text{Fa: "درگاه سرور " + what, En: what + " server port"}},
		{Name: "tls", Type: channels.FieldEnum, Required: true, Choices: tlsModes,
			Help: channels.Text{Fa: "رمزنگاری اتصال", En: "Connection encryption"}},
		{Name: "user", Type: channels.FieldString,
			Help: channels.Text{Fa: "نام کاربری " + what, En: what + " user name"}},
	}
	if auth {
		return append(fs, channels.Field{Name: "auth", Type: channels.FieldEnum, Choices: []string{AuthPlain, AuthLogin, AuthNone},
			Help: channels.Text{Fa: "روش ورود به SMTP", En: "SMTP login method"}})
	}
	return append(fs, channels.Field{Name: "mailbox", Type: channels.FieldString, Default: DefaultMailbox,
		Help: channels.Text{Fa: "پوشه\u200cای که خوانده می\u200cشود", En: "Folder read"}})
}

// Driver returns the email channel kind: IMAP in, SMTP out.
func Driver() channels.Driver {
	return channels.Driver{
		Kind:  channels.Email,
		Label: channels.Text{Fa: "ایمیل", En: "Email"},
		Settings: []channels.Field{
			{Name: "imap", Type: channels.FieldObject, Required: true, Fields: serverFields("IMAP", false),
				Help: channels.Text{Fa: "دریافت نامه", En: "Incoming mail"}},
			{Name: "smtp", Type: channels.FieldObject, Required: true, Fields: serverFields("SMTP", true),
				Help: channels.Text{Fa: "ارسال نامه", En: "Outgoing mail"}},
			{Name: "from", Type: channels.FieldString, Required: true,
				Help: channels.Text{Fa: "نشانی کانال، مثل support@example.com", En: "The channel's address, such as support@example.com"}},
			{Name: "from_name", Type: channels.FieldString,
				Help: channels.Text{Fa: "نام فرستنده", En: "Sender display name"}},
			{Name: "reply_token", Type: channels.FieldBool, Default: false,
				Help: channels.Text{Fa: "نشانی پاسخ با برچسب گفت\u200cوگو (+token)", En: "Plus-addressed Reply-To with the conversation's token"}},
			{Name: "poll_interval", Type: channels.FieldDuration, Default: DefaultPollInterval.String(),
				Help: channels.Text{Fa: "فاصلهٔ بررسی صندوق بدون IDLE", En: "Mailbox check interval without IDLE"}},
			{Name: "batch_size", Type: channels.FieldInt, Default: DefaultBatchSize,
				Help: channels.Text{Fa: "نامه\u200cهای هر دسته", En: "Mails per batch"}},
			{Name: "sync_since", Type: channels.FieldDuration, Default: DefaultSyncSince.String(),
				Help: channels.Text{Fa: "تا چه مدت پیش نامه تازه است", En: "How far back mail counts as new"}},
			{Name: "history", Type: channels.FieldEnum, Choices: []string{HistoryResolved, HistorySkip}, Default: DefaultHistory,
				Help: channels.Text{Fa: "نامه\u200cهای قدیمی\u200cتر: حل\u200cشده یا نادیده", En: "Older mail: imported resolved, or skipped"}},
			{Name: "imap_password", Type: channels.FieldString, Secret: true,
				Help: channels.Text{Fa: "گذرواژهٔ IMAP", En: "IMAP password"}},
			{Name: "smtp_password", Type: channels.FieldString, Secret: true,
				Help: channels.Text{Fa: "گذرواژهٔ SMTP", En: "SMTP password"}},
		},
		Presets:    presets(),
		Identities: []channels.IdentitySpec{{Kind: channels.IdentityEmail, Label: channels.Text{Fa: "ایمیل", En: "Email"}}},
		Reaches:    channels.IdentityEmail,
		Validate: func(raw json.RawMessage) (json.RawMessage, error) {
			s, err := decode(raw)
			if err != nil {
				return nil, err
			}
			return raw, s.Config.Validate()
		},
		Sender: func(_ context.Context, in channels.Instance) (channels.Sender, error) {
			s, err := decode(in.Settings)
			if err != nil {
				return nil, err
			}
			return NewSender(s.Config, s.Secrets), nil
		},
		Receiver: func(_ context.Context, in channels.Instance) (channels.Receiver, error) {
			s, err := decode(in.Settings)
			if err != nil {
				return nil, err
			}
			return NewReceiver(in.ChannelID, s.Config, s.Secrets, in.Log), nil
		},
		Tester: func(_ context.Context, in channels.Instance) (channels.Tester, error) {
			s, err := decode(in.Settings)
			if err != nil {
				return nil, err
			}
			return Tester{Config: s.Config, Secrets: s.Secrets, Log: in.Log.With("channel_id", in.ChannelID)}, nil
		},
	}
}
