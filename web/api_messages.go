package web

import (
	"net/http"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/workers"
)

// listMessages returns a page of a conversation's timeline, oldest first
// (?before= the older cursor of the previous page, ?limit=).
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	id, before, limit, err := pageArgs(r)
	var v inbox.ConversationView
	if err == nil {
		v, err = s.scoped(r).ConversationView(r.Context(), id, before, limit)
	}
	s.respond(w, http.StatusOK, map[string]any{"messages": v.Messages, "older": v.Older}, err)
}

// attachmentBody is an attachment sent with a reply; data is base64.
type attachmentBody struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// replyMessage stores an agent's reply as queued and enqueues its
// delivery, on the conversation's channel or another channel of the
// contact (channel_id): text and files, or an approved template
// ({"template": {"name", "language", "params"}}) on a kind that sends
// them (WhatsApp, the only way to write outside its 24-hour window). A failed enqueue is logged: the message stays
// queued and the workers' reconciler enqueues it.
func (s *Server) replyMessage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var in struct {
		Text        string             `json:"text"`
		HTML        string             `json:"html"`
		ChannelID   int64              `json:"channel_id"`
		Attachments []attachmentBody   `json:"attachments"`
		Template    *channels.Template `json:"template"`
	}
	if err == nil {
		err = decode(r, &in)
	}
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	rep := inbox.Reply{ConversationID: id, AuthorID: userOf(r).ID, ChannelID: in.ChannelID, Text: in.Text, HTML: in.HTML,
		Template: in.Template}
	for _, a := range in.Attachments {
		rep.Attachments = append(rep.Attachments, channels.Attachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data})
	}
	msg, err := workers.SendReply(r.Context(), s.scoped(r), s.Queue, s.log, rep)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": msg, "status": "queued"})
}

// addNote adds a private note to a conversation.
func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var in struct {
		Text string `json:"text"`
	}
	if err == nil {
		err = decode(r, &in)
	}
	var note int64
	if err == nil {
		note, err = s.scoped(r).AddNote(r.Context(), id, in.Text)
	}
	s.respond(w, http.StatusCreated, map[string]any{"id": note}, err)
}
