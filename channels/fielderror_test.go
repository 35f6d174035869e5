package channels_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/peykhq/peyk/channels"
)

func TestFieldErrors(t *testing.T) {
	a := channels.Invalid("host", "error.required", "host is required")
	b := channels.Invalid("port", "error.not_number", "port is not a number")
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"none", errors.New("x"), nil},
		{"one", a, []string{"host"}},
		{"wrapped", fmt.Errorf("create: %w", a), []string{"host"}},
		{"joined", fmt.Errorf("create: %w", errors.Join(a, b)), []string{"host", "port"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, fe := range channels.FieldErrors(c.err) {
				got = append(got, fe.Field)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("fields = %v, want %v", got, c.want)
			}
		})
	}
	if !errors.Is(a, channels.ErrInvalid) {
		t.Fatal("a FieldError must wrap ErrInvalid")
	}
}

// Problems says every detail after its prefix and lets FieldErrors and
// errors.Is see through it.
func TestProblems(t *testing.T) {
	p := &channels.Problems{Prefix: "x: lacks ", Sep: ", ", Errs: []*channels.FieldError{
		{Field: "a", Reason: "error.required", Err: errors.New("a")}, {Field: "b", Reason: "error.required", Err: errors.New("b")}}}
	if p.Error() != "x: lacks a, b" || !errors.Is(p, channels.ErrInvalid) || len(channels.FieldErrors(p)) != 2 {
		t.Errorf("%q, %d field errors", p.Error(), len(channels.FieldErrors(p)))
	}
}
