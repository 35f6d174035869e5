// Package telegram is the Telegram channel: a bot on the Bot API
// (telegram-bot-api v5) that receives customer messages by long polling or
// by webhook and sends agent replies.
//
// Convert turns one Bot API update into an Event: an Inbound for a new
// message (text, photo, document, voice, audio, video, location, venue,
// contact, sticker) or an Update for an edited one. Only private chats
// with the bot are handled; updates from groups, supergroups and channels
// are ignored for now.
//
// A Bot, made by New, is the channel at run time: Run long-polls getUpdates
// in a context-aware loop and moves the "update offset" cursor only through
// the messages it hands over; Webhook serves the same updates pushed by
// Telegram; Send delivers agent replies with sendMessage, sendPhoto and
// sendDocument; Test checks the token.
//
// The package imports only channels, the standard library and the Bot API
// SDK; the inbox and the database stay on the other side of the channels
// contract.
package telegram
