package whatsapptest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestServer checks the stand-in's own answers.
func TestServer(t *testing.T) {
	s := NewServer(t, "tok", "secret")
	do := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	send := `{"messaging_product":"whatsapp","to":"989121234567","type":"text","text":{"body":"hi"}}`
	cases := []struct {
		name, method, path, token, body string
		status                          int
		contains                        string
	}{
		{"wrong token", "POST", "/v24.0/" + PhoneNumberID + "/messages", "bad", send, 401, `"code":190`},
		{"old version", "POST", "/v1.0/" + PhoneNumberID + "/messages", "tok", send, 400, `"code":2635`},
		{"send", "POST", "/v24.0/" + PhoneNumberID + "/messages", "tok", send, 200, `"id":"wamid.STANDIN00000001"`},
		{"no body", "POST", "/v24.0/" + PhoneNumberID + "/messages", "tok", `{"messaging_product":"whatsapp","to":"1","type":"text"}`, 400, `"code":100`},
		{"phone number", "GET", "/v24.0/" + PhoneNumberID, "tok", "", 200, `"verified_name"`},
		{"unknown media", "GET", "/v24.0/42", "tok", "", 400, `"code":100`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := do(c.method, c.path, c.token, c.body)
			if status != c.status || !strings.Contains(body, c.contains) {
				t.Fatalf("%d %s", status, body)
			}
		})
	}
	t.Run("media", func(t *testing.T) {
		s.AddMedia("77", "image/png", []byte("png"))
		_, body := do("GET", "/v24.0/77", "tok", "")
		var meta struct {
			URL      string `json:"url"`
			FileSize int    `json:"file_size"`
		}
		if err := json.Unmarshal([]byte(body), &meta); err != nil || meta.FileSize != 3 {
			t.Fatalf("%s %v", body, err)
		}
		if status, data := do("GET", strings.TrimPrefix(meta.URL, s.URL), "tok", ""); status != 200 || data != "png" {
			t.Fatalf("%d %q", status, data)
		}
	})
	t.Run("fail next", func(t *testing.T) {
		s.FailNext(131047)
		if status, body := do("POST", "/v24.0/"+PhoneNumberID+"/messages", "tok", send); status != 400 || !strings.Contains(body, "Re-engagement") {
			t.Fatalf("%d %s", status, body)
		}
		if status, _ := do("POST", "/v24.0/"+PhoneNumberID+"/messages", "tok", send); status != 200 {
			t.Fatalf("after the failure: %d", status)
		}
	})
	t.Run("signed post", func(t *testing.T) {
		var got string
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.Header.Get("X-Hub-Signature-256") == s.Sign(body) {
				got = string(body)
			}
		}))
		defer hook.Close()
		body := Status("wamid.1", "failed", Customer, 131047, time.Unix(1796000000, 0))
		if status, err := s.Post(hook.URL, body); err != nil || status != 200 || got != string(body) {
			t.Fatalf("%d %v %q", status, err, got)
		}
		if !strings.Contains(got, `"code":131047`) || !strings.Contains(got, `"timestamp":"1796000000"`) {
			t.Fatalf("status payload %s", got)
		}
	})
	if len(Names()) < 20 || len(Payload("text")) == 0 {
		t.Fatalf("payloads %v", Names())
	}
}
