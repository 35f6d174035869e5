package whatsapptest

import (
	"net/http"
	"strconv"
)

// Error is a Cloud API error the stand-in can answer.
type Error struct {
	Status  int
	Type    string
	Message string
	Details string
}

// Errors are the errors the stand-in answers, by code, as Meta documents
// them. An unknown code answers 400 with a generic message.
var Errors = map[int]Error{
	100:    {400, "OAuthException", "(#100) Invalid parameter", "Parameter value is not valid"},
	190:    {401, "OAuthException", "Invalid OAuth access token - Cannot parse access token", ""},
	2635:   {400, "OAuthException", "(#2635) You are calling a deprecated version of the Graph API", ""},
	131047: {400, "OAuthException", "(#131047) Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
	130429: {429, "OAuthException", "(#130429) Rate limit hit", "Cloud API message throughput has been reached."},
	131048: {400, "OAuthException", "(#131048) Spam rate limit hit", "Message failed to send because there are restrictions on how many messages can be sent from this phone number."},
	131026: {400, "OAuthException", "(#131026) Message Undeliverable", "Message Undeliverable."},
	131000: {500, "OAuthException", "(#131000) Something went wrong", "Message failed to send due to an unknown error."},
}

// apiError answers with the error of code.
func apiError(w http.ResponseWriter, code int) {
	e, ok := Errors[code]
	if !ok {
		e = Error{400, "OAuthException", "(#" + strconv.Itoa(code) + ") Error", ""}
	}
	writeJSON(w, e.Status, map[string]any{"error": map[string]any{
		"message": e.Message, "type": e.Type, "code": code,
		"error_data": map[string]string{"messaging_product": "whatsapp", "details": e.Details},
		"fbtrace_id": "AbCdEfStandIn"}})
}
