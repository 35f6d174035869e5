package web

import "net/http"

// smsSegments tells how a text goes out as SMS: encoding, characters and
// parts ({"text": "…"} → {"encoding": "UCS-2", "characters": 75, "segments": 2, …}).
func (s *Server) smsSegments(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, s.Segments(in.Text))
}
