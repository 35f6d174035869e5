package telegramtest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ServeHTTP answers Bot API requests: POST /bot<token>/<method> with form
// or multipart parameters, and GET /file/bot<token>/<path>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.download(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, _ := strings.Cut(rest, "/")
	switch {
	case !ok || method == "":
		reply(w, http.StatusNotFound, "Not Found", 0)
		return
	case token != s.Token:
		reply(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	call, err := parse(r, method)
	if err != nil {
		reply(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	var fail *Failure
	if q := s.failures[method]; len(q) > 0 {
		fail, s.failures[method] = &q[0], q[1:]
	}
	s.mu.Unlock()
	if fail != nil {
		reply(w, fail.Code, fail.Description, fail.RetryAfter)
		return
	}
	switch method {
	case "getMe":
		ok200(w, map[string]any{"id": s.BotID, "is_bot": true, "first_name": "Peyk Test", "username": "peyk_test_bot"})
	case "getUpdates":
		s.getUpdates(w, r, call.Params)
	case "sendMessage", "sendPhoto", "sendDocument":
		s.send(w, call)
	case "getFile":
		s.getFile(w, call.Params.Get("file_id"))
	case "setWebhook", "deleteWebhook":
		s.mu.Lock()
		s.webhookURL, s.webhookSecret = call.Params.Get("url"), call.Params.Get("secret_token")
		s.mu.Unlock()
		ok200(w, true)
	case "getWebhookInfo":
		s.mu.Lock()
		info := map[string]any{"url": s.webhookURL, "has_custom_certificate": false, "pending_update_count": len(s.updates)}
		s.mu.Unlock()
		ok200(w, info)
	default:
		reply(w, http.StatusNotFound, "Not Found: method not found", 0)
	}
}

// parse reads a request's parameters: the query string and a form or
// multipart body, as the Bot API accepts them.
func parse(r *http.Request, method string) (Call, error) {
	c := Call{Method: method, Files: map[string]File{}}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return c, errors.New("use GET or POST")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(64 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return c, err
	}
	c.Params = r.Form
	if r.MultipartForm != nil {
		for field, hs := range r.MultipartForm.File {
			f, err := hs[0].Open()
			if err != nil {
				return c, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return c, err
			}
			c.Files[field] = File{Name: hs[0].Filename, Data: data}
		}
	}
	return c, nil
}

// ok200 writes a successful reply.
func ok200(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// reply writes an error reply in the Bot API's shape.
func reply(w http.ResponseWriter, code int, description string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": code, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// getUpdates confirms the updates before offset and returns those from
// offset on, waiting up to timeout seconds for one to arrive.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p url.Values) {
	offset := atoi(p.Get("offset"))
	limit := atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.Now().Add(time.Duration(atoi(p.Get("timeout"))) * time.Second)
	for {
		s.mu.Lock()
		if s.webhookURL != "" {
			s.mu.Unlock()
			reply(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
			return
		}
		if offset > 0 {
			i := 0
			for i < len(s.updates) && s.updates[i].id < offset {
				i++
			}
			s.updates = s.updates[i:]
		}
		var out []json.RawMessage
		for _, u := range s.updates {
			if len(out) < limit {
				out = append(out, u.raw)
			}
		}
		wake, atOnce := s.wake, s.answerAtOnce
		s.mu.Unlock()
		wait := time.Until(deadline)
		if len(out) > 0 || atOnce || wait <= 0 {
			if out == nil {
				out = []json.RawMessage{}
			}
			ok200(w, out)
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-wake:
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
		t.Stop()
	}
}
