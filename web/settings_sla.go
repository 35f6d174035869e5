package web

// slaSettings registers the settings pages of SLA policies.
func (u *ui) slaSettings(p pageRoutes) {}
