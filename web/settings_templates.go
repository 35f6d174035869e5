package web

// templateSettings registers the settings pages of templates and canned responses.
func (u *ui) templateSettings(p pageRoutes) {}
