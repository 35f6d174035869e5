package web

import "fmt"

// addMessages adds catalogue entries to messages. Each part of the UI
// keeps its strings beside its code and adds them from an init function;
// a key added twice is a bug, caught when the package loads.
func addMessages(m map[string][2]string) {
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic(fmt.Sprintf("web: catalogue key %q added twice", k))
		}
		messages[k] = v
	}
}

// addPages adds views (tmpl/NAME.html) to the pages newViews parses.
func addPages(names ...string) { pageNames = append(pageNames, names...) }
