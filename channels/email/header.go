package email

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/emersion/go-message/textproto"
)

// splitHeader cuts raw at the first empty line into the header block and
// the body. A mail without an empty line is all header.
func splitHeader(raw []byte) (head, body []byte) {
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			break
		}
		line := raw[i : i+j]
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return raw[:i], raw[i+j+1:]
		}
		i += j + 1
	}
	return raw, nil
}

// headerName matches the start of a well-formed header field line.
var headerName = regexp.MustCompile(`^[\x21-\x39\x3b-\x7e]+[ \t]*:`)

// readHeader parses a header block. When the block is malformed (a line
// that is not a field, an mbox "From " line, stray binary) the bad lines
// are dropped, the rest is parsed, and the error says how many were lost.
func readHeader(head []byte) (textproto.Header, error) {
	h, err := parseHeader(head)
	if err == nil {
		return h, nil
	}
	var kept bytes.Buffer
	var first []byte
	dropped, keep := 0, false
	for line := range bytes.Lines(head) {
		switch {
		case len(line) > 0 && (line[0] == ' ' || line[0] == '\t'):
			// A continuation belongs to the line before it.
		case headerName.Match(line):
			keep = true
		default:
			keep = false
		}
		if !keep {
			if dropped++; first == nil {
				first = bytes.TrimRight(line, "\r\n")
			}
			continue
		}
		kept.Write(line)
		if line[len(line)-1] != '\n' {
			kept.WriteString("\r\n")
		}
	}
	h, err = parseHeader(kept.Bytes())
	if err != nil {
		return h, fmt.Errorf("header: unreadable: %s", quoteShort(err.Error()))
	}
	return h, fmt.Errorf("header: dropped %d malformed lines, the first %s", dropped, quoteShort(string(first)))
}

func parseHeader(head []byte) (textproto.Header, error) {
	end := "\r\n"
	if len(head) > 0 && head[len(head)-1] != '\n' {
		end = "\r\n\r\n"
	}
	r := bufio.NewReader(io.MultiReader(bytes.NewReader(head), bytes.NewReader([]byte(end))))
	return textproto.ReadHeader(r)
}

// quoteShort quotes s for an error message, cut to 60 bytes.
func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.QuoteToASCII(s)
}
