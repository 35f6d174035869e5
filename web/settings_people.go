package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/web/auth"
)

// peopleSettings registers the settings pages of people and API tokens,
// and every user's own page (/me: availability and their tokens).
func (u *ui) peopleSettings(p pageRoutes) {
	if u.Accounts == nil {
		return
	}
	p.admin("GET /settings/people", u.peoplePage)
	p.admin("POST /settings/people", u.createPerson)
	p.admin("GET /settings/people/{id}", u.personPage)
	p.admin("POST /settings/people/{id}", u.updatePerson)
	p.admin("POST /settings/people/{id}/deactivate", u.activatePerson(false))
	p.admin("POST /settings/people/{id}/activate", u.activatePerson(true))
	p.admin("POST /settings/people/{id}/password", u.resetPersonPassword)
	p.admin("POST /settings/people/{id}/tokens", u.personToken)
	p.admin("POST /settings/people/{id}/tokens/{token}/revoke", u.revokePersonToken)
	u.meRoutes(p)
}

// peopleView is what tmpl/settings_people.html renders.
type peopleView struct {
	People []auth.Person
	Form   form
	// Created is the user just added and Password theirs, when Peyk made
	// it up: shown this once.
	Created  *auth.User
	Password string
}

// peoplePage lists the users with the form that adds one.
func (u *ui) peoplePage(w http.ResponseWriter, r *http.Request) {
	u.showPeople(w, r, http.StatusOK, peopleView{Form: newForm(r, nil)})
}

func (u *ui) showPeople(w http.ResponseWriter, r *http.Request, status int, v peopleView) {
	var err error
	if v.People, err = u.Accounts.People(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	u.settingsPage(w, r, status, "settings_people", "settings.people", "settings.people", v)
}

// createPerson adds a user from the form: with the password typed, or a
// generated one shown once.
func (u *ui) createPerson(w http.ResponseWriter, r *http.Request) {
	nu := auth.NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: r.PostFormValue("role"),
		Locale: r.PostFormValue("locale"), Password: r.PostFormValue("password"), By: userOf(r).ID}
	generated := nu.Password == ""
	if generated {
		nu.Password = auth.GeneratePassword()
	}
	created, err := u.Accounts.CreateUser(r.Context(), nu)
	if errors.Is(err, crm.ErrConflict) {
		err = fmt.Errorf("%w: %w", err, channels.Invalid("email", "people.error.taken", "a user has this address"))
	}
	if err != nil {
		u.showPeople(w, r, formStatus(err), peopleView{Form: newForm(r, err)})
		return
	}
	v := peopleView{Form: form{Values: map[string]string{}, Errors: map[string]string{}}, Created: &created}
	if generated {
		v.Password = nu.Password
	}
	u.showPeople(w, r, http.StatusCreated, v)
}

// personView is what tmpl/settings_person.html renders: one user, their
// tokens and the forms that change them.
type personView struct {
	Person auth.Person
	Tokens []auth.Token
	// Self is the admin looking at their own entry.
	Self bool
	// Profile, Access, Password and Token are the page's forms.
	Profile, Access, Password, Token form
	// Secret is a generated password or a new token, shown this once
	// (SecretKind says which).
	Secret, SecretKind string
	// Saved reports the change the page comes back from.
	Saved     bool
	TokenList tokensView
}

// personPage shows one user for an admin.
func (u *ui) personPage(w http.ResponseWriter, r *http.Request) {
	u.showPerson(w, r, http.StatusOK, personView{Saved: r.URL.Query().Get("saved") != ""})
}

// showPerson renders the user of the path with v's forms (empty ones
// where v has none).
func (u *ui) showPerson(w http.ResponseWriter, r *http.Request, status int, v personView) {
	id, err := pathID(r)
	var ps []auth.Person
	if err == nil {
		ps, err = u.Accounts.People(r.Context())
	}
	if err == nil {
		err = fmt.Errorf("user %d: %w", id, crm.ErrNotFound)
		for _, p := range ps {
			if p.ID == id {
				v.Person, err = p, nil
			}
		}
	}
	if err == nil {
		v.Tokens, err = u.Accounts.Tokens(r.Context(), id)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Self = id == userOf(r).ID
	for _, f := range []*form{&v.Profile, &v.Access, &v.Password, &v.Token} {
		if f.Values == nil {
			*f = form{Values: map[string]string{}, Errors: map[string]string{}}
		}
	}
	if v.Profile.Values["name"] == "" && len(v.Profile.Errors) == 0 {
		v.Profile.Values = map[string]string{"name": v.Person.Name, "role": v.Person.Role, "locale": v.Person.Locale}
	}
	v.TokenList = newTokensView(r, v.Tokens, v.Token, fmt.Sprintf("/settings/people/%d/tokens", id))
	u.settingsPage(w, r, status, "settings_person", "settings.people", "settings.people", v)
}

// personChange runs change on the user of the path and, when it fails,
// shows the page with the error in the form set picks; else it goes back
// to the page (saved).
func (u *ui) personChange(w http.ResponseWriter, r *http.Request, set func(*personView, form), change func(id int64) error) {
	id, err := pathID(r)
	if err == nil {
		err = change(id)
	}
	if err != nil && !errors.Is(err, crm.ErrNotFound) {
		var v personView
		set(&v, newForm(r, err))
		u.showPerson(w, r, formStatus(err), v)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, fmt.Sprintf("/settings/people/%d?saved=1", id))
}

// updatePerson changes a user's name, role and language.
func (u *ui) updatePerson(w http.ResponseWriter, r *http.Request) {
	name, role, loc := r.PostFormValue("name"), r.PostFormValue("role"), r.PostFormValue("locale")
	u.personChange(w, r, func(v *personView, f form) { v.Profile = f }, func(id int64) error {
		_, err := u.Accounts.UpdateUser(r.Context(), userOf(r).ID, id, auth.Change{Name: &name, Role: &role, Locale: &loc})
		return err
	})
}

// activatePerson deactivates (sessions and tokens revoked at once) or
// reactivates a user.
func (u *ui) activatePerson(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u.personChange(w, r, func(v *personView, f form) { v.Access = f }, func(id int64) error {
			_, err := u.Accounts.SetActive(r.Context(), userOf(r).ID, id, active)
			return err
		})
	}
}

// resetPersonPassword sets the password typed, or a generated one shown
// once; the user's sessions end.
func (u *ui) resetPersonPassword(w http.ResponseWriter, r *http.Request) {
	password := r.PostFormValue("password")
	generated := password == ""
	if generated {
		password = auth.GeneratePassword()
	}
	u.personSecret(w, r, func(v *personView, f form) { v.Password = f }, func(id int64) (string, error) {
		_, err := u.Accounts.ResetPassword(r.Context(), userOf(r).ID, id, password)
		if generated {
			return password, err
		}
		return "", err
	}, "password")
}

// personToken makes an API token for the user, shown once.
func (u *ui) personToken(w http.ResponseWriter, r *http.Request) {
	u.personSecret(w, r, func(v *personView, f form) { v.Token = f }, func(id int64) (string, error) {
		return u.issueToken(r, id)
	}, "token")
}

// issueToken makes the token the form r posted asks for (name, expires:
// a day, Jalali accepted) for user id.
func (u *ui) issueToken(r *http.Request, id int64) (string, error) {
	var expires time.Time
	if s := r.PostFormValue("expires"); s != "" {
		day, err := parseDay(s, u.loc)
		if err != nil {
			return "", fmt.Errorf("%w: %w", err, channels.Invalid("expires", "audit.error.day", err.Error()))
		}
		expires = day.AddDate(0, 0, 1) // valid through the day given
	}
	token, _, err := u.Accounts.IssueToken(r.Context(), userOf(r).ID, id, r.PostFormValue("name"), expires)
	return token, err
}

// personSecret runs create, which returns a secret to show once (or ""),
// and shows the user's page with it, or with the error in the form set
// picks.
func (u *ui) personSecret(w http.ResponseWriter, r *http.Request, set func(*personView, form), create func(id int64) (string, error), kind string) {
	id, err := pathID(r)
	var secret string
	if err == nil {
		secret, err = create(id)
	}
	if errors.Is(err, crm.ErrNotFound) || (err != nil && id == 0) {
		u.fail(w, r, err)
		return
	}
	v := personView{Secret: secret, SecretKind: kind, Saved: err == nil}
	set(&v, newForm(r, err))
	if err == nil {
		set(&v, form{Values: map[string]string{}, Errors: map[string]string{}})
	}
	status := http.StatusOK
	if err != nil {
		status = formStatus(err)
	}
	u.showPerson(w, r, status, v)
}

// revokePersonToken revokes one of the user's API tokens.
func (u *ui) revokePersonToken(w http.ResponseWriter, r *http.Request) {
	token, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		u.fail(w, r, fmt.Errorf("token %q: %w", r.PathValue("token"), crm.ErrNotFound))
		return
	}
	u.personChange(w, r, func(v *personView, f form) { v.Token = f }, func(id int64) error {
		_, err := u.Accounts.RevokeToken(r.Context(), userOf(r).ID, id, token)
		return err
	})
}
