// Package whatsapptest is a stand-in for the WhatsApp Business Cloud API
// (Meta's Graph API), for tests and demos: an httptest server on a
// loopback port that accepts message sends (text, template, image, video,
// audio, document; recording them and answering wamids) and media
// uploads, serves media (GET /{version}/{media-id}, then the file's URL),
// answers the phone number lookup, and can be told to refuse the next
// sends with a given error code (131047 outside the 24-hour window, 130429
// rate limit…). It also posts webhook notifications signed as Meta signs
// them: the documented payloads in testdata (Payload) or built ones
// (TextMessage, Status).
//
// It is built from Meta's documented payloads; it imports nothing of
// Peyk so that any package's tests may use it.
package whatsapptest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// Fixed values of the stand-in, matching the testdata payloads.
const (
	// Version is the Graph API version the server answers under.
	Version = "v24.0"
	// PhoneNumberID is the business number's id.
	PhoneNumberID = "106540352242922"
	// DisplayPhoneNumber is the business number.
	DisplayPhoneNumber = "15550783881"
	// BusinessAccountID is the WABA id.
	BusinessAccountID = "102290129340398"
	// Customer is the wa_id of the customer in the testdata payloads.
	Customer = "989121234567"
)

// Sent is one message the server accepted.
type Sent struct {
	// ID is the wamid the server answered.
	ID string
	// To, Type and Context are read from the request: the recipient's
	// wa_id, "text" or "template", and the message answered (or "").
	To, Type, Context string
	// Text is the text body of a text message.
	Text string
	// Template is the name of a template message; Params are its body
	// parameters.
	Template string
	Language string
	Params   []string
	// Media, Link, Caption and Filename describe a media message
	// ("image", "video", "audio", "document"): the uploaded media's id or
	// the link, and its caption and file name.
	Media, Link, Caption, Filename string
	// Raw is the request body.
	Raw []byte
}

// Server is a stand-in Graph API for one business number. Use URL as the
// channel's base URL. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, without the version.
	URL string
	// Token is the access token the server accepts; others get 401.
	Token string
	// AppSecret signs the webhooks Post sends.
	AppSecret string

	srv *httptest.Server

	mu    sync.Mutex
	sent  []Sent
	media map[string]file
	fails []int
	next  int
}

type file struct {
	mimeType string
	data     []byte
}

// NewServer starts a stand-in accepting token and signing webhooks with
// appSecret; it stops when the test ends.
func NewServer(tb testing.TB, token, appSecret string) *Server {
	s := &Server{Token: token, AppSecret: appSecret, media: map[string]file{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// Sent returns the messages accepted so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// AddMedia stores a media file under id, to be served as Meta serves
// media a customer sent.
func (s *Server) AddMedia(id, mimeType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[id] = file{mimeType: mimeType, data: data}
}

// FailNext makes the next sends, one per code, answer with the Cloud API
// error of that code (see Errors) instead of sending.
func (s *Server) FailNext(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, codes...)
}

// serve routes one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.Token {
		apiError(w, 190)
		return
	}
	path := strings.Trim(r.URL.Path, "/")
	if id, ok := strings.CutPrefix(path, "media/"); ok && r.Method == http.MethodGet {
		s.download(w, id)
		return
	}
	version, rest, _ := strings.Cut(path, "/")
	if version != Version {
		apiError(w, 2635)
		return
	}
	switch {
	case r.Method == http.MethodPost && rest == PhoneNumberID+"/messages":
		s.send(w, r)
	case r.Method == http.MethodPost && rest == PhoneNumberID+"/media":
		s.upload(w, r)
	case r.Method == http.MethodGet && rest == PhoneNumberID:
		writeJSON(w, http.StatusOK, map[string]string{"id": PhoneNumberID,
			"display_phone_number": "+1 555-078-3881", "verified_name": "Peyk Test"})
	case r.Method == http.MethodGet && !strings.Contains(rest, "/"):
		s.mediaInfo(w, rest)
	default:
		apiError(w, 100)
	}
}

// send accepts one message request.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req struct {
		MessagingProduct string `json:"messaging_product"`
		To               string `json:"to"`
		Type             string `json:"type"`
		Context          struct {
			MessageID string `json:"message_id"`
		} `json:"context"`
		Text struct {
			Body string `json:"body"`
		} `json:"text"`
		Template struct {
			Name     string `json:"name"`
			Language struct {
				Code string `json:"code"`
			} `json:"language"`
			Components []struct {
				Type       string `json:"type"`
				Parameters []struct {
					Type string `json:"type"`
					Text string `json:"text"`
				} `json:"parameters"`
			} `json:"components"`
		} `json:"template"`
		Image, Video, Audio, Document *struct {
			ID       string `json:"id"`
			Link     string `json:"link"`
			Caption  string `json:"caption"`
			Filename string `json:"filename"`
		}
	}
	if err := json.Unmarshal(raw, &req); err != nil || req.MessagingProduct != "whatsapp" || req.To == "" {
		apiError(w, 100)
		return
	}
	m := Sent{To: req.To, Type: req.Type, Context: req.Context.MessageID, Raw: raw}
	switch req.Type {
	case "text":
		if req.Text.Body == "" || utf8.RuneCountInString(req.Text.Body) > 4096 {
			apiError(w, 100)
			return
		}
		m.Text = req.Text.Body
	case "template":
		if req.Template.Name == "" || req.Template.Language.Code == "" {
			apiError(w, 100)
			return
		}
		m.Template, m.Language = req.Template.Name, req.Template.Language.Code
		for _, c := range req.Template.Components {
			for _, p := range c.Parameters {
				m.Params = append(m.Params, p.Text)
			}
		}
	case "image", "video", "audio", "document":
		md := map[string]*struct {
			ID       string `json:"id"`
			Link     string `json:"link"`
			Caption  string `json:"caption"`
			Filename string `json:"filename"`
		}{"image": req.Image, "video": req.Video, "audio": req.Audio, "document": req.Document}[req.Type]
		if md == nil || (md.ID == "") == (md.Link == "") {
			apiError(w, 100)
			return
		}
		if _, known := s.Media(md.ID); md.ID != "" && !known {
			apiError(w, 100)
			return
		}
		m.Media, m.Link, m.Caption, m.Filename = md.ID, md.Link, md.Caption, md.Filename
	default:
		apiError(w, 100)
		return
	}
	s.mu.Lock()
	if len(s.fails) > 0 {
		code := s.fails[0]
		s.fails = s.fails[1:]
		s.mu.Unlock()
		apiError(w, code)
		return
	}
	s.next++
	m.ID = fmt.Sprintf("wamid.STANDIN%08d", s.next)
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"messaging_product": "whatsapp",
		"contacts": []map[string]string{{"input": req.To, "wa_id": req.To}},
		"messages": []map[string]string{{"id": m.ID}}})
}

// upload accepts a media upload (multipart: messaging_product, type,
// file) and answers its new media id.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	f, h, err := r.FormFile("file")
	if err != nil || r.FormValue("messaging_product") != "whatsapp" || r.FormValue("type") == "" {
		apiError(w, 100)
		return
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	s.mu.Lock()
	s.next++
	id := fmt.Sprintf("%d", 4490000000000000+s.next)
	s.media[id] = file{mimeType: h.Header.Get("Content-Type"), data: data}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"id": id})
}

// Media returns the content of stored media id, as uploaded or added.
func (s *Server) Media(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.media[id]
	return f.data, ok
}

// mediaInfo answers GET /{version}/{media-id}.
func (s *Server) mediaInfo(w http.ResponseWriter, id string) {
	s.mu.Lock()
	f, ok := s.media[id]
	s.mu.Unlock()
	if !ok {
		apiError(w, 100)
		return
	}
	sum := sha256.Sum256(f.data)
	writeJSON(w, http.StatusOK, map[string]any{"messaging_product": "whatsapp",
		"url": s.URL + "/media/" + id, "mime_type": f.mimeType, "sha256": hex.EncodeToString(sum[:]),
		"file_size": len(f.data), "id": id})
}

// download serves a media file's content.
func (s *Server) download(w http.ResponseWriter, id string) {
	s.mu.Lock()
	f, ok := s.media[id]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", f.mimeType)
	_, _ = w.Write(f.data)
}

// Sign returns the X-Hub-Signature-256 value of body with the server's
// app secret, as Meta computes it.
func (s *Server) Sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(s.AppSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Post posts body to url as Meta posts a webhook notification, signed
// with the app secret, and returns the answer's status.
func (s *Server) Post(url string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", s.Sign(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
