package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	c := f.client(t)
	csrf := f.signIn(t, c)
	anon := f.client(t)
	const api, body = "/api/v1/sms/segments", `{"text":"سلام"}`
	cases := []struct {
		name   string
		c      *http.Client
		header map[string]string
		want   int
	}{
		{"cookie without token", c, nil, http.StatusForbidden},
		{"cookie with a wrong token", c, map[string]string{"X-CSRF-Token": csrf + "x"}, http.StatusForbidden},
		{"cookie with another session's token", c, map[string]string{"X-CSRF-Token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, http.StatusForbidden},
		{"cookie with the token", c, map[string]string{"X-CSRF-Token": csrf}, http.StatusOK},
		{"same-origin fetch", c, map[string]string{"X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"cross-site with the token", c, map[string]string{"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site with the token", c, map[string]string{"X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"foreign Origin with the token", c, map[string]string{"X-CSRF-Token": csrf, "Origin": "https://evil.example"}, http.StatusForbidden},
		{"Bearer needs no token", anon, map[string]string{"Authorization": "Bearer " + f.token}, http.StatusOK},
		{"Bearer from another site", anon, map[string]string{"Authorization": "Bearer " + f.token, "Sec-Fetch-Site": "cross-site"}, http.StatusOK},
		{"Bearer wins over the cookie", c, map[string]string{"Authorization": "Bearer " + f.token}, http.StatusOK},
		{"a bad Bearer is not saved by the cookie", c, map[string]string{"Authorization": "Bearer nope", "X-CSRF-Token": csrf}, http.StatusUnauthorized},
		{"nothing", anon, nil, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, got := f.do(t, tc.c, "POST", api, body, tc.header)
			if resp.StatusCode != tc.want {
				t.Fatalf("%d %s, want %d", resp.StatusCode, got, tc.want)
			}
		})
	}
	t.Run("form field on a page", func(t *testing.T) {
		if resp, _ := f.do(t, c, "POST", "/logout", url.Values{"csrf_token": {"wrong"}}.Encode(), nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("wrong field: %d", resp.StatusCode)
		}
		if resp, _ := f.do(t, c, "POST", "/logout", url.Values{"csrf_token": {csrf}}.Encode(), nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("right field: %d", resp.StatusCode)
		}
	})
}
