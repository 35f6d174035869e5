package main

import (
	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/bale"
	"github.com/peykhq/peyk/channels/email"
	"github.com/peykhq/peyk/channels/phonelog"
	"github.com/peykhq/peyk/channels/sms/gateways"
	"github.com/peykhq/peyk/channels/telegram"
	"github.com/peykhq/peyk/channels/whatsapp"
)

// knownKinds returns the channel kinds of this build: a kind is its
// package plus one line here (see docs/channels.md, "How to add a channel
// kind").
func knownKinds() *channels.Registry {
	r, err := channels.NewRegistry(
		email.Driver(),
		gateways.Driver(),
		telegram.Driver(),
		bale.Driver(),
		phonelog.Driver(),
		whatsapp.Driver(),
	)
	if err != nil {
		panic(err) // two drivers of one kind: a mistake in the list above
	}
	return r
}
