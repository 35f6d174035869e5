package telegramtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// getUpdates returns the update ids the server answers for offset.
func getUpdates(t *testing.T, s *Server, offset, timeout string) []int {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/bot"+s.Token+"/getUpdates", url.Values{"offset": {offset}, "timeout": {timeout}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		OK     bool
		Result []struct {
			UpdateID int `json:"update_id"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !body.OK {
		t.Fatalf("getUpdates: %v %+v", err, body)
	}
	var ids []int
	for _, u := range body.Result {
		ids = append(ids, u.UpdateID)
	}
	return ids
}

// getUpdates confirms the updates below offset and waits for new ones.
func TestGetUpdatesOffset(t *testing.T) {
	s := NewServer(t, "1:token")
	s.AddUpdate([]byte(`{"message":{"text":"a"}}`))
	s.AddUpdate([]byte(`{"update_id":7,"message":{"text":"b"}}`))
	if got := getUpdates(t, s, "", "0"); len(got) != 2 || got[0] != 1 || got[1] != 7 {
		t.Fatalf("first poll: %v", got)
	}
	if got := getUpdates(t, s, "7", "0"); len(got) != 1 || got[0] != 7 || s.Pending() != 1 {
		t.Fatalf("offset 7: %v, %d pending", got, s.Pending())
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.AddUpdate([]byte(`{"message":{"text":"c"}}`))
	}()
	if got := getUpdates(t, s, "8", "10"); len(got) != 1 || got[0] != 8 || s.Pending() != 1 {
		t.Fatalf("long poll: %v, %d pending", got, s.Pending())
	}
	resp, err := http.PostForm(s.URL+"/bot1:wrong/getMe", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
}
