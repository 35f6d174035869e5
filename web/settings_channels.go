package web

// channelSettings registers the settings pages of channels.
func (u *ui) channelSettings(p pageRoutes) {}
