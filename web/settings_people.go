package web

// peopleSettings registers the settings pages of people and API tokens.
func (u *ui) peopleSettings(p pageRoutes) {}
