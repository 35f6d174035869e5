package web

// auditSettings registers the settings pages of the audit log.
func (u *ui) auditSettings(p pageRoutes) {}
