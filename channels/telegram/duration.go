package telegram

import "github.com/peykhq/peyk/channels"

// Duration is a time.Duration that reads and writes JSON as a string such
// as "30s"; a bare JSON number is read as seconds.
type Duration = channels.Duration
