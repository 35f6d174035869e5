package channels

import "errors"

// FieldError is bad input in one field of a form or request: the field's
// name (a settings key, a form field: "first_response_minutes",
// "settings.host"), the catalogue key of a sentence that tells people
// what is wrong ("error.required"), and the error. It wraps ErrInvalid,
// so it is a 400 wherever it goes; the web shows Reason beside the field
// in the reader's language and the API lists it under "fields".
type FieldError struct {
	Field  string
	Reason string
	Err    error
}

// Error is the field's name and the error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the error and ErrInvalid.
func (e *FieldError) Unwrap() []error { return []error{e.Err, ErrInvalid} }

// Invalid returns a FieldError for field with the reason key and the
// English detail text (for logs and API callers).
func Invalid(field, reason, detail string) error {
	return &FieldError{Field: field, Reason: reason, Err: errors.New(detail)}
}

// FieldErrors returns every FieldError in err's tree (errors.Join and
// wrapping included), in order.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if fe, ok := e.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// Problems is several FieldErrors as one error whose text is Prefix and
// their details joined with Sep ("; " when empty): a driver's Validate
// reports all it found at once. It wraps each FieldError and ErrInvalid.
type Problems struct {
	Prefix, Sep string
	Errs        []*FieldError
}

// Error is the prefix and the details.
func (p *Problems) Error() string {
	s := p.Prefix
	for i, e := range p.Errs {
		if i > 0 && p.Sep != "" {
			s += p.Sep
		} else if i > 0 {
			s += "; "
		}
		s += e.Err.Error()
	}
	return s
}

// Unwrap returns the field errors and ErrInvalid.
func (p *Problems) Unwrap() []error {
	out := []error{ErrInvalid}
	for _, e := range p.Errs {
		out = append(out, e)
	}
	return out
}
