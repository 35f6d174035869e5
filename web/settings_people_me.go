package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web/auth"
)

// meRoutes registers every user's own page: availability (a form that
// works without JavaScript) and their own API tokens.
func (u *ui) meRoutes(p pageRoutes) {
	p.agent("GET /me", u.mePage)
	p.agent("POST /me/availability", u.setAvailability)
	p.agent("POST /me/tokens", u.myToken)
	p.agent("POST /me/tokens/{token}/revoke", u.revokeMyToken)
}

// meView is what tmpl/me.html renders.
type meView struct {
	Me     inbox.Agent
	Tokens []auth.Token
	Token  form
	// Secret is a token just made, shown this once.
	Secret    string
	Saved     bool
	TokenList tokensView
}

// tokensView is what the "tokens" part renders: a user's API tokens and
// the form that makes one, posted to Action (revoking posts to
// Action/ID/revoke).
type tokensView struct {
	Rows         []tokenRow
	Form         form
	CSRF, Action string
}

// tokenRow is a token with its state: valid, expired or revoked.
type tokenRow struct {
	auth.Token
	State string
}

func newTokensView(r *http.Request, ts []auth.Token, f form, action string) tokensView {
	v := tokensView{Form: f, CSRF: csrfToken(r), Action: action}
	now := time.Now()
	for _, t := range ts {
		state := "valid"
		switch {
		case t.RevokedAt != nil:
			state = "revoked"
		case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
			state = "expired"
		}
		v.Rows = append(v.Rows, tokenRow{t, state})
	}
	return v
}

// mePage shows the caller's availability and API tokens.
func (u *ui) mePage(w http.ResponseWriter, r *http.Request) {
	u.showMe(w, r, http.StatusOK, meView{Token: newForm(r, nil), Saved: r.URL.Query().Get("saved") != ""})
}

func (u *ui) showMe(w http.ResponseWriter, r *http.Request, status int, v meView) {
	me := userOf(r).ID
	agents, err := u.Inbox.Agents(r.Context())
	for _, a := range agents {
		if a.ID == me {
			v.Me = a
		}
	}
	if err == nil {
		v.Tokens, err = u.Accounts.Tokens(r.Context(), me)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.TokenList = newTokensView(r, v.Tokens, v.Token, "/me/tokens")
	u.show(w, status, u.pageData(r, "me", "me", "me.title", v))
}

// setAvailability marks the caller available or away and goes back.
func (u *ui) setAvailability(w http.ResponseWriter, r *http.Request) {
	if _, err := u.Inbox.SetAvailable(r.Context(), userOf(r).ID, r.PostFormValue("available") == "true"); err != nil {
		u.fail(w, r, err)
		return
	}
	to := r.PostFormValue("back")
	if to == "" {
		to = "/me?saved=1"
	}
	back(w, r, to)
}

// myToken makes an API token for the caller, shown once.
func (u *ui) myToken(w http.ResponseWriter, r *http.Request) {
	token, err := u.issueToken(r, userOf(r).ID)
	if err != nil {
		u.showMe(w, r, formStatus(err), meView{Token: newForm(r, err)})
		return
	}
	u.showMe(w, r, http.StatusOK, meView{Token: form{Values: map[string]string{}, Errors: map[string]string{}}, Secret: token, Saved: true})
}

// revokeMyToken revokes one of the caller's own API tokens.
func (u *ui) revokeMyToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		err = fmt.Errorf("token %q: %w", r.PathValue("token"), crm.ErrNotFound)
	} else {
		me := userOf(r).ID
		_, err = u.Accounts.RevokeToken(r.Context(), me, me, id)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, "/me?saved=1")
}
