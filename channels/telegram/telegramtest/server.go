// Package telegramtest is a stand-in for the Telegram Bot API, for tests
// and for `peyk demo`: an httptest server on a loopback port that answers
// getMe, getUpdates (offset semantics and long polling), sendMessage,
// sendPhoto, sendDocument, getFile, file downloads, setWebhook,
// deleteWebhook and getWebhookInfo the way the Bot API does, and records
// every call.
package telegramtest

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Server is a stand-in Bot API server for one bot. Use URL as the
// channel's API endpoint. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, without "/bot…".
	URL string
	// Token is the bot token the server accepts; other tokens get 401.
	Token string
	// BotID is the bot's user id, as getMe reports it.
	BotID int64

	srv *httptest.Server

	mu            sync.Mutex
	answerAtOnce  bool
	updates       []update // not yet confirmed, by update_id
	lastUpdate    int
	lastMessage   int
	files         map[string]storedFile
	calls         []Call
	failures      map[string][]Failure
	webhookURL    string
	webhookSecret string
	wake          chan struct{} // closed when an update is added
}

type update struct {
	id  int
	raw json.RawMessage
}

type storedFile struct {
	path string
	data []byte
}

// Call is one request the server received.
type Call struct {
	// Method is the Bot API method ("sendMessage").
	Method string
	// Params are the request's form fields.
	Params url.Values
	// Files are the uploaded files by form field ("photo", "document").
	Files map[string]File
}

// File is an uploaded file.
type File struct {
	Name string
	Data []byte
}

// Failure is an error reply the server gives instead of an answer.
type Failure struct {
	// Code is the HTTP status and error_code (429, 403, 500…).
	Code int
	// Description is Telegram's text ("Forbidden: bot was blocked by the
	// user").
	Description string
	// RetryAfter, when set, goes in parameters.retry_after (seconds).
	RetryAfter int
}

// TB is the part of testing.TB that NewServer uses; the package does not
// import testing, so programs (peyk demo) can run the stand-in too.
type TB interface {
	Helper()
	Cleanup(func())
}

// NewServer starts a stand-in for the bot with token and closes it when
// the test ends.
func NewServer(tb TB, token string) *Server {
	tb.Helper()
	s := New(token)
	tb.Cleanup(s.Close)
	return s
}

// New starts a stand-in for the bot with token on a loopback port. Close
// stops it.
func New(token string) *Server {
	id, _, _ := strings.Cut(token, ":")
	botID, _ := strconv.ParseInt(id, 10, 64)
	s := &Server{Token: token, BotID: botID, files: map[string]storedFile{},
		failures: map[string][]Failure{}, wake: make(chan struct{})}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// AnswerAtOnce makes getUpdates return at once when there is nothing to
// return, as some stand-ins do, instead of waiting for the timeout.
func (s *Server) AnswerAtOnce(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answerAtOnce = v
}

// AddUpdate queues a Bot API update (a JSON object; anything else panics)
// for getUpdates and returns its update_id. An update without update_id
// gets the next one; one with an id already confirmed is delivered again,
// as after a server restart.
func (s *Server) AddUpdate(raw []byte) int {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		panic("telegramtest: update is not a JSON object: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var id int
	if v, ok := fields["update_id"]; ok {
		_ = json.Unmarshal(v, &id)
	}
	if id <= 0 {
		id = s.lastUpdate + 1
		fields["update_id"] = json.RawMessage(strconv.Itoa(id))
		raw, _ = json.Marshal(fields)
	}
	s.lastUpdate = max(s.lastUpdate, id)
	i := len(s.updates)
	for i > 0 && s.updates[i-1].id > id {
		i--
	}
	s.updates = append(s.updates[:i], append([]update{{id: id, raw: raw}}, s.updates[i:]...)...)
	close(s.wake)
	s.wake = make(chan struct{})
	return id
}

// Pending returns how many updates getUpdates has not had confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// AddFile makes a file available to getFile under fileID, at path.
func (s *Server) AddFile(fileID, path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = storedFile{path: path, data: data}
}

// FailNext makes the next call of method fail with f. Several calls queue
// several failures.
func (s *Server) FailNext(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f)
}

// Calls returns the calls of method received so far, in order; "" returns
// every call.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Webhook returns the webhook URL and secret token set by setWebhook.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}
