package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// httpCall sends body (JSON) to url with the header pairs (name, value, …)
// and returns the status and the body of the answer.
func httpCall(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// bearer is the header pair of an API token.
func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }
