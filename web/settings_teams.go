package web

// teamSettings registers the settings pages of teams.
func (u *ui) teamSettings(p pageRoutes) {}
