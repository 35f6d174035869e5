package web

// tagSettings registers the settings pages of tags.
func (u *ui) tagSettings(p pageRoutes) {}
