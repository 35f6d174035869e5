package main

import (
	"context"
	"testing"
)

// TestCannedAndTagCommands runs peyk canned and peyk tag against a fresh
// database: the same functions as the settings pages and the API.
func TestCannedAndTagCommands(t *testing.T) {
	url := freshDatabase(t)
	dbFlag := "--database-url=" + url
	ctx := context.Background()
	steps := []cmdStep{
		{"create", []string{"canned", "create", dbFlag, "--title", "Opening hours", "--fa", "۹ تا ۲۱", "--en", "9 to 21", "--shortcut", "hours"}, nil, "canned response 1: Opening hours"},
		{"create without a title", []string{"canned", "create", dbFlag, "--fa", "x"}, errAny, ""},
		{"list in English", []string{"canned", "list", dbFlag, "--locale", "en"}, nil, "1\tOpening hours /hours\t[en] 9 to 21"},
		{"list as JSON", []string{"canned", "list", dbFlag, "--json"}, nil, `"text": "۹ تا ۲۱"`},
		{"update one field", []string{"canned", "update", "1", dbFlag, "--title", "Hours", "--json"}, nil, `"body_en": "9 to 21"`},
		{"delete", []string{"canned", "delete", "1", dbFlag}, nil, "deleted canned response 1"},
		{"delete again", []string{"canned", "delete", "1", dbFlag}, errAny, ""},
		{"update without id", []string{"canned", "update"}, errUsage, ""},
		{"tags: none yet", []string{"tag", "list", dbFlag}, nil, ""},
		{"colour a new tag", []string{"tag", "color", "vip", "purple", dbFlag}, nil, "done"},
		{"bad colour", []string{"tag", "color", "vip", "#f00", dbFlag}, errAny, ""},
		{"rename", []string{"tag", "rename", "vip", "gold", dbFlag}, nil, "done"},
		{"list", []string{"tag", "list", dbFlag}, nil, "gold\tpurple\t0 contacts\t0 conversations"},
		{"list as JSON", []string{"tag", "list", dbFlag, "--json"}, nil, `"colour": "purple"`},
		{"merge into a missing tag", []string{"tag", "merge", "gold", "silver", dbFlag}, errAny, ""},
		{"delete", []string{"tag", "delete", "gold", dbFlag}, nil, "done"},
		{"rename without a target", []string{"tag", "rename", "gold"}, errUsage, ""},
	}
	runSteps(t, ctx, steps)
}
