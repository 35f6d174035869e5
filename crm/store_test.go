package crm_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
)

// newStore returns a Store on a fresh migrated schema, and its pool for
// checks in plain SQL.
func newStore(t *testing.T) (*crm.Store, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.New(t)
	return crm.NewStore(pool), pool
}

func email(v string) channels.Identity {
	return channels.Identity{Kind: channels.IdentityEmail, Value: v}
}

func phone(v string) channels.Identity {
	return channels.Identity{Kind: channels.IdentityPhone, Value: v}
}

func telegram(v string) channels.Identity {
	return channels.Identity{Kind: channels.IdentityTelegram, Value: v}
}

func named(id channels.Identity, name string) channels.Identity {
	id.Name = name
	return id
}

// resolve calls Resolve and fails the test on an error.
func resolve(t *testing.T, s *crm.Store, ids ...channels.Identity) int64 {
	t.Helper()
	c, err := s.Resolve(t.Context(), ids...)
	if err != nil {
		t.Fatalf("Resolve(%v): %v", ids, err)
	}
	if c <= 0 {
		t.Fatalf("Resolve(%v) = %d, want a contact id", ids, c)
	}
	return c
}

// get calls Get and fails the test on an error.
func get(t *testing.T, s *crm.Store, id int64) crm.Contact {
	t.Helper()
	c, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%d): %v", id, err)
	}
	return c
}

// count returns the single integer that query yields.
func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// identities returns the kind:value pairs of a contact, sorted.
func identities(c crm.Contact) []string {
	var out []string
	for _, id := range c.Identities {
		out = append(out, id.Kind+":"+id.Value)
	}
	slices.Sort(out)
	return out
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

func TestResolveNewSender(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	id := resolve(t, s, named(phone("0912 345 6789"), "  Sara   Ahmadi "))
	c := get(t, s, id)
	if c.Name != "Sara Ahmadi" {
		t.Errorf("name = %q, want %q", c.Name, "Sara Ahmadi")
	}
	if got, want := identities(c), []string{"phone:+989123456789"}; !slices.Equal(got, want) {
		t.Errorf("identities = %v, want %v", got, want)
	}
	if c.MergedInto != nil {
		t.Errorf("merged_into = %d, want nil", *c.MergedInto)
	}
	if c.Tags == nil || len(c.Tags) != 0 {
		t.Errorf("tags = %#v, want empty", c.Tags)
	}
	if c.Attributes == nil || len(c.Attributes) != 0 {
		t.Errorf("attributes = %#v, want empty", c.Attributes)
	}
	if n := count(t, pool, `SELECT count(*) FROM contacts`); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}

	// One identity twice in one group, in two forms, is one identity.
	twice := resolve(t, s, email("twice@example.com"), email("TWICE@example.com"), phone("۰۹۱۲۹۹۹۰۰۰۰"), phone("+989129990000"))
	if got, want := identities(get(t, s, twice)), []string{"email:twice@example.com", "phone:+989129990000"}; !slices.Equal(got, want) {
		t.Errorf("identities = %v, want %v", got, want)
	}
}

func TestResolveSameIdentityInOtherForms(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	first := resolve(t, s, phone("09123456789"))
	tests := []struct {
		name string
		id   channels.Identity
	}{
		{"national", phone("0912 345 6789")},
		{"e164", phone("+989123456789")},
		{"e164 spaced", phone("+98 (912) 345-6789")},
		{"0098", phone("00989123456789")},
		{"persian digits", phone("۰۹۱۲۳۴۵۶۷۸۹")},
		{"arabic digits", phone("٠٩١٢٣٤٥٦٧٨٩")},
		{"persian digits with prefix", phone("+۹۸۹۱۲۳۴۵۶۷۸۹")},
		{"kind in upper case", channels.Identity{Kind: "PHONE", Value: "09123456789"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolve(t, s, tt.id); got != first {
				t.Errorf("Resolve(%q) = %d, want %d", tt.id.Value, got, first)
			}
		})
	}
	emailFirst := resolve(t, s, email("Sara@Example.com"))
	for _, v := range []string{"sara@example.com", "SARA@EXAMPLE.COM", "Sara Ahmadi <sara@example.COM>"} {
		if got := resolve(t, s, email(v)); got != emailFirst {
			t.Errorf("Resolve(email %q) = %d, want %d", v, got, emailFirst)
		}
	}
	tgFirst := resolve(t, s, telegram("123456789"))
	for _, v := range []string{"tg:123456789", "۱۲۳۴۵۶۷۸۹", " 0123456789 "} {
		if got := resolve(t, s, telegram(v)); got != tgFirst {
			t.Errorf("Resolve(telegram %q) = %d, want %d", v, got, tgFirst)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM contacts`); n != 3 {
		t.Errorf("%d contacts, want 3", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM contact_identities`); n != 3 {
		t.Errorf("%d identities, want 3", n)
	}
}

func TestResolveLinksPhoneToTelegramContact(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	tg := resolve(t, s, named(telegram("555001"), "Reza"))
	if got := resolve(t, s, telegram("555001"), phone("۰۹۱۲۰۰۰۱۱۲۲")); got != tg {
		t.Fatalf("Resolve(telegram, phone) = %d, want the telegram contact %d", got, tg)
	}
	if got, want := identities(get(t, s, tg)), []string{"phone:+989120001122", "telegram:555001"}; !slices.Equal(got, want) {
		t.Errorf("identities = %v, want %v", got, want)
	}
	// The phone alone now finds the same contact.
	if got := resolve(t, s, phone("+98 912 000 1122")); got != tg {
		t.Errorf("Resolve(phone) = %d, want %d", got, tg)
	}
	if n := count(t, pool, `SELECT count(*) FROM contacts`); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
}

func TestResolveNewTelegramJoinsPhoneOwner(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	owner := resolve(t, s, named(phone("09121112233"), "Maryam"))
	if got := resolve(t, s, named(telegram("777"), "someone else"), phone("+989121112233")); got != owner {
		t.Fatalf("Resolve(new telegram, known phone) = %d, want the phone's contact %d", got, owner)
	}
	c := get(t, s, owner)
	if got, want := identities(c), []string{"phone:+989121112233", "telegram:777"}; !slices.Equal(got, want) {
		t.Errorf("identities = %v, want %v", got, want)
	}
	if c.Name != "Maryam" {
		t.Errorf("name = %q, want the existing %q", c.Name, "Maryam")
	}
	if got := resolve(t, s, telegram("777")); got != owner {
		t.Errorf("Resolve(telegram) = %d, want %d", got, owner)
	}
	if n := count(t, pool, `SELECT count(*) FROM contacts`); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
}

func TestResolveConcurrentNewSender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		size int32 // pool size; 0 keeps the default
	}{
		{"default pool", 0},
		{"pool of 20", 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pool := dbtest.NewConfig(t, func(c *pgxpool.Config) {
				if tt.size > 0 {
					c.MaxConns = tt.size
				}
			})
			s := crm.NewStore(pool)
			forms := []string{"09127654321", "+989127654321", "۰۹۱۲۷۶۵۴۳۲۱", "0098 912 765 4321", "912-765-4321"}
			const n = 100
			got := make([]int64, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					got[i], errs[i] = s.Resolve(t.Context(), named(phone(forms[i%len(forms)]), fmt.Sprint("caller ", i)))
				})
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("Resolve %d: %v", i, errs[i])
				}
				if got[i] != got[0] {
					t.Fatalf("Resolve %d = %d, Resolve 0 = %d: want one contact", i, got[i], got[0])
				}
			}
			if c := count(t, pool, `SELECT count(*) FROM contacts`); c != 1 {
				t.Errorf("%d contacts, want 1", c)
			}
			if c := count(t, pool, `SELECT count(*) FROM contact_identities`); c != 1 {
				t.Errorf("%d identity rows, want 1", c)
			}
			if c := count(t, pool, `SELECT count(*) FROM contact_identities WHERE contact_id = $1 AND kind = 'phone' AND value = '+989127654321'`, got[0]); c != 1 {
				t.Errorf("identity of the contact not found")
			}
		})
	}
}

func TestResolveInvalid(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	tests := []struct {
		name string
		ids  []channels.Identity
	}{
		{"no identity", nil},
		{"bad email", []channels.Identity{email("not an address")}},
		{"email without domain", []channels.Identity{email("sara@")}},
		{"phone with letters", []channels.Identity{phone("call me")}},
		{"empty phone", []channels.Identity{phone("")}},
		{"telegram not a number", []channels.Identity{telegram("@sara")}},
		{"telegram zero", []channels.Identity{telegram("0")}},
		{"empty kind", []channels.Identity{{Value: "x"}}},
		{"bad kind", []channels.Identity{{Kind: "no such kind!", Value: "x"}}},
		{"valid sender, invalid second", []channels.Identity{telegram("42"), phone("abc")}},
		{"invalid sender, valid second", []channels.Identity{email("@"), phone("09120000000")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := s.Resolve(t.Context(), tt.ids...)
			wantErr(t, "Resolve", err, crm.ErrInvalid)
			if id != 0 {
				t.Errorf("Resolve = %d, want 0 on error", id)
			}
		})
	}
	if n := count(t, pool, `SELECT count(*) FROM contacts`); n != 0 {
		t.Errorf("%d contacts written, want none", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM contact_identities`); n != 0 {
		t.Errorf("%d identities written, want none", n)
	}
}

func TestGetUnknown(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	_, err := s.Get(t.Context(), 4242)
	wantErr(t, "Get(4242)", err, crm.ErrNotFound)
}

func TestTag(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	id := resolve(t, s, email("tags@example.com"))
	steps := []struct {
		name        string
		add, remove []string
		want        []string
	}{
		{"trim lower dedupe", []string{" VIP ", "vip", "Lead", "", "   ", "lead"}, nil, []string{"lead", "vip"}},
		{"persian", []string{"مشتری\u200cویژه"}, nil, []string{"lead", "vip", "مشتری\u200cویژه"}},
		{"add existing", []string{"VIP"}, nil, []string{"lead", "vip", "مشتری\u200cویژه"}},
		{"remove any case", nil, []string{" LEAD "}, []string{"vip", "مشتری\u200cویژه"}},
		{"remove missing", nil, []string{"nope"}, []string{"vip", "مشتری\u200cویژه"}},
		{"add and remove", []string{"b", "a"}, []string{"vip"}, []string{"a", "b", "مشتری\u200cویژه"}},
		{"nothing", nil, nil, []string{"a", "b", "مشتری\u200cویژه"}},
		{"remove all", nil, []string{"a", "b", "مشتری\u200cویژه"}, []string{}},
	}
	for _, st := range steps {
		if err := s.Tag(t.Context(), id, st.add, st.remove); err != nil {
			t.Fatalf("%s: Tag(%q, %q): %v", st.name, st.add, st.remove, err)
		}
		if got := get(t, s, id).Tags; !slices.Equal(got, st.want) {
			t.Errorf("%s: tags = %q, want %q", st.name, got, st.want)
		}
	}
	wantErr(t, "Tag(unknown)", s.Tag(t.Context(), 4242, []string{"x"}, nil), crm.ErrNotFound)
}

func TestSetAttributes(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	id := resolve(t, s, email("attrs@example.com"))
	steps := []struct {
		name  string
		patch map[string]any
		want  map[string]any
	}{
		{"set", map[string]any{"city": "تهران", "plan": "gold", "seats": 3},
			map[string]any{"city": "تهران", "plan": "gold", "seats": float64(3)}},
		{"merge", map[string]any{"plan": "silver", "vip": true},
			map[string]any{"city": "تهران", "plan": "silver", "seats": float64(3), "vip": true}},
		{"null deletes", map[string]any{"seats": nil, "missing": nil},
			map[string]any{"city": "تهران", "plan": "silver", "vip": true}},
		{"nested", map[string]any{"address": map[string]any{"zip": "1234"}},
			map[string]any{"city": "تهران", "plan": "silver", "vip": true, "address": map[string]any{"zip": "1234"}}},
		{"empty patch", map[string]any{},
			map[string]any{"city": "تهران", "plan": "silver", "vip": true, "address": map[string]any{"zip": "1234"}}},
	}
	for _, st := range steps {
		if err := s.SetAttributes(t.Context(), id, st.patch); err != nil {
			t.Fatalf("%s: SetAttributes(%v): %v", st.name, st.patch, err)
		}
		if got := get(t, s, id).Attributes; !reflect.DeepEqual(got, st.want) {
			t.Errorf("%s: attributes = %v, want %v", st.name, got, st.want)
		}
	}
	before := get(t, s, id).Attributes
	wantErr(t, "empty key", s.SetAttributes(t.Context(), id, map[string]any{"": 1, "ok": 2}), crm.ErrInvalid)
	if got := get(t, s, id).Attributes; !reflect.DeepEqual(got, before) {
		t.Errorf("after a rejected patch attributes = %v, want %v", got, before)
	}
	wantErr(t, "unknown contact", s.SetAttributes(t.Context(), 4242, map[string]any{"a": 1}), crm.ErrNotFound)
}

func TestSetName(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	id := resolve(t, s, named(email("rename@example.com"), "Old Name"))
	if err := s.SetName(t.Context(), id, "  كريم   رحيمي "); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, id).Name; got != "كريم رحيمي" {
		t.Errorf("name = %q, want %q (original letters kept)", got, "كريم رحيمي")
	}
	for _, q := range []string{"کریم رحیمی", "كريم", "رحیمی"} {
		cs, err := s.Search(t.Context(), q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(cs); !slices.Equal(got, []int64{id}) {
			t.Errorf("Search(%q) = %v, want [%d]", q, got, id)
		}
	}
	cs, err := s.Search(t.Context(), "Old", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 0 {
		t.Errorf("Search(old name) = %v, want nothing", ids(cs))
	}
	wantErr(t, "SetName(unknown)", s.SetName(t.Context(), 4242, "x"), crm.ErrNotFound)
}

func TestAddIdentity(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	a := resolve(t, s, email("a@example.com"))
	b := resolve(t, s, email("b@example.com"))
	tests := []struct {
		name    string
		contact int64
		id      channels.Identity
		want    error
	}{
		{"new phone", a, phone("09125550000"), nil},
		{"same phone other form", a, phone("+۹۸۹۱۲۵۵۵۰۰۰۰"), nil},
		{"own email again", a, email("A@Example.com"), nil},
		{"another contact's email", a, email("B@example.com"), crm.ErrConflict},
		{"another contact's phone", b, phone("0912 555 0000"), crm.ErrConflict},
		{"unknown contact", 4242, telegram("99"), crm.ErrNotFound},
		{"invalid identity", a, email("nope"), crm.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.AddIdentity(t.Context(), tt.contact, tt.id)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("AddIdentity: %v", err)
				}
				return
			}
			wantErr(t, "AddIdentity", err, tt.want)
		})
	}
	if got, want := identities(get(t, s, a)), []string{"email:a@example.com", "phone:+989125550000"}; !slices.Equal(got, want) {
		t.Errorf("identities of a = %v, want %v", got, want)
	}
	if got, want := identities(get(t, s, b)), []string{"email:b@example.com"}; !slices.Equal(got, want) {
		t.Errorf("identities of b = %v, want %v", got, want)
	}
	if got := resolve(t, s, phone("09125550000")); got != a {
		t.Errorf("Resolve(added phone) = %d, want %d", got, a)
	}
	if n := count(t, pool, `SELECT count(*) FROM contact_identities WHERE contact_id = 4242`); n != 0 {
		t.Errorf("%d identities on the unknown contact", n)
	}
}
