package generic

import (
	"encoding/json"
	"strconv"
	"strings"
)

// lookup follows a dotted path ("data.messages.0.id") through decoded JSON
// (objects by key, arrays by index) and returns the string, number or
// boolean it ends at. ok is false when the path leads nowhere or to an
// object, array or null.
func lookup(v any, path string) (s string, ok bool) {
	for key := range strings.SplitSeq(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			if v, ok = node[key]; !ok {
				return "", false
			}
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return "", false
			}
			v = node[i]
		default:
			return "", false
		}
	}
	switch leaf := v.(type) {
	case string:
		return leaf, true
	case json.Number:
		return leaf.String(), true
	case bool:
		return strconv.FormatBool(leaf), true
	}
	return "", false
}
