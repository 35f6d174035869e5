package email

import "github.com/peykhq/peyk/channels"

// Duration is a time.Duration that reads and writes JSON as a string such
// as "90s"; a bare JSON number is read as seconds.
type Duration = channels.Duration
