package web

import (
	"net/http"

	"github.com/peykhq/peyk/channels"
)

// form is what a form view renders: the values typed (kept after an
// error, so nothing typed is lost), the reason beside each field at fault
// and a sentence for the form as a whole, all in the page's language.
type form struct {
	Values map[string]string
	Errors map[string]string
	Error  string
}

// newForm returns the form r posted, with err's reasons when it failed:
// each channels.FieldError beside its field, any other error as the
// form's sentence (pageError's, never the error's own text).
func newForm(r *http.Request, err error) form {
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		for k, v := range r.PostForm {
			if k != "csrf_token" && len(v) > 0 {
				f.Values[k] = v[0]
			}
		}
	}
	if err == nil {
		return f
	}
	tr := translator{fa: locale(r) == "fa"}
	fields := channels.FieldErrors(err)
	for _, fe := range fields {
		if _, seen := f.Errors[fe.Field]; !seen {
			f.Errors[fe.Field] = tr.t(fe.Reason)
		}
	}
	if len(fields) == 0 {
		_, f.Error = pageError(err, tr)
	}
	return f
}

// formStatus is the status a form answered with err is shown with: 422
// for bad input, else the error's own.
func formStatus(err error) int {
	status, _ := statusOf(err)
	if status == http.StatusBadRequest {
		return http.StatusUnprocessableEntity
	}
	return status
}
