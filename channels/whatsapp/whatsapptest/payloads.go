package whatsapptest

import (
	"embed"
	"encoding/json"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed testdata/*.json
var payloads embed.FS

// Names lists the documented payloads in testdata, without ".json":
// one per message type ("text", "image", "location", "unsupported"…) and
// per status ("status_sent", "status_failed_window"…).
func Names() []string {
	entries, _ := payloads.ReadDir("testdata")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// Payload returns the testdata payload name; it panics when there is none.
func Payload(name string) []byte {
	data, err := payloads.ReadFile(path.Join("testdata", name+".json"))
	if err != nil {
		panic("whatsapptest: no payload " + name)
	}
	return data
}

// TextMessage builds a notification of one text message from the
// customer waID (profile name) to the stand-in's number.
func TextMessage(waID, name, wamid, body string, at time.Time) []byte {
	return notification(map[string]any{
		"contacts": []any{map[string]any{"profile": map[string]string{"name": name}, "wa_id": waID}},
		"messages": []any{map[string]any{"from": waID, "id": wamid, "timestamp": unix(at),
			"type": "text", "text": map[string]string{"body": body}}},
	})
}

// Status builds a notification of one delivery status ("sent",
// "delivered", "read", "failed") of message wamid sent to recipient;
// a failed status carries errorCode.
func Status(wamid, status, recipient string, errorCode int, at time.Time) []byte {
	st := map[string]any{"id": wamid, "status": status, "timestamp": unix(at), "recipient_id": recipient}
	if status == "failed" {
		e := Errors[errorCode]
		st["errors"] = []any{map[string]any{"code": errorCode, "title": e.Message, "message": e.Message,
			"error_data": map[string]string{"details": e.Details}}}
	}
	return notification(map[string]any{"statuses": []any{st}})
}

func notification(value map[string]any) []byte {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]string{"display_phone_number": DisplayPhoneNumber, "phone_number_id": PhoneNumberID}
	data, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": BusinessAccountID,
			"changes": []any{map[string]any{"field": "messages", "value": value}}}}})
	return data
}

func unix(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10)
}
