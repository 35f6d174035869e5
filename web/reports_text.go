package web

// reportText translates the reports page's own strings, the "report."
// keys of the UI catalogue (messages).
type reportText struct{ fa bool }

// t returns key's text in the page's language.
func (tr reportText) t(key string) string {
	return translator(tr).t("report." + key)
}
