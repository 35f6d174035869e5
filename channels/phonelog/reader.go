package phonelog

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/peykhq/peyk/channels"
)

// Format names a call record file format.
type Format string

// The file formats Reader understands.
const (
	// Asterisk is cdr_csv's Master.csv: no header row, 16 columns, or 17 or
	// 18 with uniqueid and userfield.
	Asterisk Format = "asterisk"
	// Generic is the documented CSV with a header row (see README.md).
	Generic Format = "generic"
	// Auto reads a generic CSV when the first row is its header, and
	// Master.csv otherwise.
	Auto Format = "auto"
)

// RowError is a row that could not be read or imported. Reading goes on
// with the next row.
type RowError struct {
	// Line is the 1-based line of the file where the row starts.
	Line int
	Err  error
}

// Error says which line is bad and why.
func (e *RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the reason.
func (e *RowError) Unwrap() error { return e.Err }

// Reader reads call records from a CSV file, one row at a time, without
// holding the file in memory.
type Reader struct {
	csv     *csv.Reader
	set     *setup
	format  Format
	head    header
	pending []string  // a first row read while detecting the format
	pendErr *RowError // or the error reading it
	line    int
	rows    int
	skipped int
}

// NewReader returns a Reader of r in format for the channel channelID.
// It reads the generic CSV's header (or, for Auto, the first row) at once.
func NewReader(r io.Reader, format Format, channelID int64, cfg Config) (*Reader, error) {
	set, err := cfg.compile(channelID)
	if err != nil {
		return nil, err
	}
	c := csv.NewReader(r)
	c.FieldsPerRecord = -1
	c.ReuseRecord = true
	rd := &Reader{csv: c, set: set, format: format}
	switch format {
	case Asterisk:
		return rd, nil
	case Generic, Auto:
	default:
		return nil, fmt.Errorf("phonelog: unknown format %q (want asterisk, generic or auto): %w", format, channels.ErrInvalid)
	}
	f, err := c.Read()
	var pe *csv.ParseError
	switch {
	case (err == io.EOF || errors.As(err, &pe)) && format == Auto:
		rd.format = Asterisk
		if pe != nil {
			rd.line, rd.pendErr = pe.StartLine, &RowError{Line: pe.StartLine, Err: pe.Err}
		}
		return rd, nil
	case err == io.EOF:
		return nil, fmt.Errorf("phonelog: the file is empty, not even a header row: %w", channels.ErrInvalid)
	case err != nil:
		return nil, fmt.Errorf("phonelog: header: %w", err)
	}
	rd.line, _ = c.FieldPos(0)
	h, herr := parseHeader(f)
	switch {
	case herr == nil:
		rd.format, rd.head = Generic, h
	case format == Generic:
		return nil, fmt.Errorf("phonelog: line %d: %w", rd.line, herr)
	default:
		rd.format, rd.pending = Asterisk, append([]string(nil), f...)
	}
	return rd, nil
}

// Format returns the format being read; for Auto, the one detected.
func (rd *Reader) Format() Format { return rd.format }

// Next returns the next call. A bad row gives a *RowError and reading may
// go on; the end of the input gives io.EOF; any other error (the input
// failed) ends reading. Calls between two of our numbers, and inbound
// calls without a caller number, are skipped.
func (rd *Reader) Next() (channels.Inbound, error) {
	for {
		f, err := rd.read()
		if err != nil {
			return channels.Inbound{}, err
		}
		rd.rows++
		var r record
		if rd.format == Generic {
			r, err = rd.set.genericRecord(rd.head, f)
		} else {
			r, err = rd.set.asteriskRecord(f)
		}
		var in channels.Inbound
		if err == nil {
			in, err = rd.set.inbound(r)
		}
		switch {
		case isSkip(err):
			rd.skipped++
			continue
		case err != nil:
			return channels.Inbound{}, &RowError{Line: rd.line, Err: err}
		}
		return in, nil
	}
}

// read returns the next record's fields, turning CSV syntax errors into
// RowErrors.
func (rd *Reader) read() ([]string, error) {
	if f := rd.pending; f != nil {
		rd.pending = nil
		return f, nil
	}
	if e := rd.pendErr; e != nil {
		rd.pendErr = nil
		rd.rows++
		return nil, e
	}
	f, err := rd.csv.Read()
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		rd.line = pe.StartLine
		rd.rows++
		return nil, &RowError{Line: pe.StartLine, Err: pe.Err}
	case err != nil:
		return nil, err
	}
	rd.line, _ = rd.csv.FieldPos(0)
	return f, nil
}

// Line returns the line where the last row read starts (the bad row's,
// after a RowError).
func (rd *Reader) Line() int { return rd.line }

// Offset returns how many bytes of the input have been read, for progress.
func (rd *Reader) Offset() int64 { return rd.csv.InputOffset() }

// Rows returns how many data rows have been read, good, bad or skipped.
func (rd *Reader) Rows() int { return rd.rows }

// Skipped returns how many calls were skipped: internal ones, between our
// own numbers, and inbound ones without a caller number.
func (rd *Reader) Skipped() int { return rd.skipped }
