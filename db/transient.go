package db

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsTransient reports whether err is a connection-class failure that may
// pass when the same work is tried again a moment later: the server could
// not be reached or dropped the connection (pgconn connect errors,
// SQLSTATE class 08, an administrator or crash shutdown 57P01/57P02, a
// server still starting 57P03, too many connections 53300, a reset or an
// unexpected EOF on the wire). Errors of the statement itself (a
// constraint, a syntax error), a refused login and the caller's own
// cancellation or deadline are not transient.
//
// It is the one place that says which database errors are worth a retry
// and which make a request answer 503 Service Unavailable.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return transientCode(pgErr.Code)
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	switch {
	case errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return true
	}
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true
	}
	return pgconn.SafeToRetry(err)
}

// transientCode reports whether a server error's SQLSTATE says the
// connection, not the statement, failed.
func transientCode(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03", // admin shutdown, crash shutdown, cannot connect now
		"53300": // too many connections
		return true
	}
	return len(code) == 5 && code[:2] == "08" // connection exception
}
