package web

// SettingsPaths are the paths of the settings menu's sections, for the
// tests of package web_test.
func SettingsPaths(srv *Server) []string {
	paths := []string{"/settings"}
	for _, s := range srv.sections {
		paths = append(paths, s.Path)
	}
	return paths
}
