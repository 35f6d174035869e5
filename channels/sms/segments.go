package sms

import "unicode/utf16"

// Encodings of an SMS, as Info.Encoding names them.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// Info is how a text travels as SMS: its encoding, its length in that
// encoding and the number of segments (parts) it is billed as.
type Info struct {
	// Encoding is GSM7 when every character is in the GSM 03.38 alphabet
	// or its extension table, else UCS2.
	Encoding string `json:"encoding"`
	// Characters is the length in the encoding's units: septets for GSM-7
	// (an extension character such as € or { takes two), UTF-16 code units
	// for UCS-2 (an emoji outside the Basic Multilingual Plane takes two).
	Characters int `json:"characters"`
	// Segments is how many SMS the text is sent as; 0 for an empty text.
	Segments int `json:"segments"`
	// Remaining is how many units still fit in the last segment.
	Remaining int `json:"remaining"`
}

// Segment capacities in units: a text that fits in single goes as one SMS;
// a longer one is split into parts of multi (the rest of each part holds
// the concatenation header).
const (
	gsmSingle, gsmMulti   = 160, 153
	ucs2Single, ucs2Multi = 70, 67
)

// Segments reports how text is encoded and split into SMS segments.
// Persian text is UCS-2: 70 characters fit in one segment, 67 in each part
// of a longer message. A character is never split across two parts (a GSM-7
// escape sequence or a UTF-16 surrogate pair moves whole to the next part),
// as gateways do, so a text can need one part more than its length alone
// suggests.
func Segments(text string) Info {
	enc, single, multi := GSM7, gsmSingle, gsmMulti
	for _, r := range text {
		if gsmWidth(r) == 0 {
			enc, single, multi = UCS2, ucs2Single, ucs2Multi
			break
		}
	}
	width := gsmWidth
	if enc == UCS2 {
		width = utf16Width
	}
	total := 0
	for _, r := range text {
		total += width(r)
	}
	info := Info{Encoding: enc, Characters: total}
	switch {
	case total == 0:
		info.Remaining = single
		return info
	case total <= single:
		info.Segments, info.Remaining = 1, single-total
		return info
	}
	parts, used := 1, 0
	for _, r := range text {
		w := width(r)
		if used+w > multi {
			parts++
			used = 0
		}
		used += w
	}
	info.Segments, info.Remaining = parts, multi-used
	return info
}

// utf16Width is the number of UTF-16 code units r takes.
func utf16Width(r rune) int {
	if utf16.RuneLen(r) == 2 {
		return 2
	}
	return 1
}
