package whatsapp

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The webhook notification as Meta documents it (field "messages" of a
// whatsapp_business_account subscription). Only what Peyk reads is named.
type notification struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
}

type entry struct {
	ID      string   `json:"id"`
	Changes []change `json:"changes"`
}

type change struct {
	Field string `json:"field"`
	Value value  `json:"value"`
}

type value struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []contact  `json:"contacts"`
	Messages []message  `json:"messages"`
	Statuses []status   `json:"statuses"`
	Errors   []apiIssue `json:"errors"`
}

type contact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WaID string `json:"wa_id"`
}

type message struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp stamp  `json:"timestamp"`
	Type      string `json:"type"`
	Context   *struct {
		From string `json:"from"`
		ID   string `json:"id"`
	} `json:"context"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Image       *media          `json:"image"`
	Video       *media          `json:"video"`
	Audio       *media          `json:"audio"`
	Document    *media          `json:"document"`
	Sticker     *media          `json:"sticker"`
	Location    *location       `json:"location"`
	Contacts    []sharedContact `json:"contacts"`
	Interactive *interactive    `json:"interactive"`
	Button      *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	System *struct {
		Body    string `json:"body"`
		NewWaID string `json:"new_wa_id"`
		WaID    string `json:"wa_id"`
		Type    string `json:"type"`
	} `json:"system"`
	Errors []apiIssue `json:"errors"`
}

type media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Voice    bool   `json:"voice"`
	Animated bool   `json:"animated"`
}

type location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	URL       string  `json:"url"`
}

type sharedContact struct {
	Name struct {
		FormattedName string `json:"formatted_name"`
		FirstName     string `json:"first_name"`
		LastName      string `json:"last_name"`
	} `json:"name"`
	Phones []struct {
		Phone string `json:"phone"`
		WaID  string `json:"wa_id"`
		Type  string `json:"type"`
	} `json:"phones"`
	Emails []struct {
		Email string `json:"email"`
	} `json:"emails"`
}

type interactive struct {
	Type        string `json:"type"`
	ButtonReply *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"button_reply"`
	ListReply *struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"list_reply"`
}

type status struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"`
	Timestamp   stamp      `json:"timestamp"`
	RecipientID string     `json:"recipient_id"`
	Errors      []apiIssue `json:"errors"`
}

// apiIssue is an error as webhooks carry it (in a failed status or an
// unsupported message).
type apiIssue struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

// String describes the issue in the provider's words, naming the 24-hour
// window when that is the cause.
func (e apiIssue) String() string {
	s := strconv.Itoa(e.Code)
	for _, p := range []string{e.Title, e.Message, e.ErrorData.Details} {
		if p = strings.TrimSpace(p); p != "" && !strings.Contains(s, p) {
			s += " " + p
		}
	}
	if e.Code == CodeWindowClosed {
		s += " (" + windowClosedText + ")"
	}
	return s
}

// stamp is a Unix time in seconds, which Meta writes as a string; a
// number is read as well.
type stamp string

// UnmarshalJSON reads "1712345678" or 1712345678.
func (s *stamp) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err == nil {
		*s = stamp(str)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*s = stamp(n.String())
	return nil
}

// time reads s. Times before 2001 or more than a day ahead are not
// believed: the zero time (which the inbox reads as now) is returned.
func (s stamp) time() time.Time {
	sec, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil || sec < 1_000_000_000 || sec > time.Now().Add(24*time.Hour).Unix() {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}
