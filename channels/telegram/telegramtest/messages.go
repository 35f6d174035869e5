package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// send answers sendMessage, sendPhoto and sendDocument with the message
// Telegram would return.
func (s *Server) send(w http.ResponseWriter, c Call) {
	chat, err := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
	if err != nil || chat == 0 {
		reply(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	s.mu.Lock()
	s.lastMessage++
	id := s.lastMessage
	s.mu.Unlock()
	msg := map[string]any{
		"message_id": id,
		"from":       map[string]any{"id": s.BotID, "is_bot": true, "first_name": "Peyk Test", "username": "peyk_test_bot"},
		"chat":       map[string]any{"id": chat, "type": "private"},
		"date":       time.Now().Unix(),
	}
	if r := atoi(c.Params.Get("reply_to_message_id")); r > 0 {
		msg["reply_to_message"] = map[string]any{"message_id": r, "chat": msg["chat"], "date": msg["date"]}
	}
	if caption := c.Params.Get("caption"); caption != "" {
		msg["caption"] = caption
	}
	fileID := fmt.Sprintf("sent-%d", id)
	switch c.Method {
	case "sendMessage":
		text := c.Params.Get("text")
		if strings.TrimSpace(text) == "" {
			reply(w, http.StatusBadRequest, "Bad Request: message text is empty", 0)
			return
		}
		msg["text"] = text
	case "sendPhoto":
		if _, ok := c.Files["photo"]; !ok && c.Params.Get("photo") == "" {
			reply(w, http.StatusBadRequest, "Bad Request: there is no photo in the request", 0)
			return
		}
		msg["photo"] = []map[string]any{{"file_id": fileID, "file_unique_id": fileID, "width": 800, "height": 600}}
	case "sendDocument":
		f, ok := c.Files["document"]
		if !ok && c.Params.Get("document") == "" {
			reply(w, http.StatusBadRequest, "Bad Request: there is no document in the request", 0)
			return
		}
		msg["document"] = map[string]any{"file_id": fileID, "file_unique_id": fileID, "file_name": f.Name}
	}
	ok200(w, msg)
}

// getFile answers with the file's path.
func (s *Server) getFile(w http.ResponseWriter, id string) {
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		reply(w, http.StatusBadRequest, "Bad Request: wrong file_id or the file is temporarily unavailable", 0)
		return
	}
	ok200(w, map[string]any{"file_id": id, "file_unique_id": "u-" + id, "file_size": len(f.data), "file_path": f.path})
}

// download serves a file's content at /file/bot<token>/<path>.
func (s *Server) download(w http.ResponseWriter, rest string) {
	token, path, _ := strings.Cut(rest, "/")
	if token != s.Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if f.path == path {
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(f.data)
			return
		}
	}
	http.Error(w, "Not Found", http.StatusNotFound)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
