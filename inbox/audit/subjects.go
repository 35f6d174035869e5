package audit

// The subject types of the settings' audit events: writers store them and
// the audit log filters by them, so both use these names.
const (
	SubjectUser     = "user"
	SubjectSetting  = "setting"
	SubjectChannel  = "channel"
	SubjectTeam     = "team"
	SubjectSLA      = "sla_policy"
	SubjectTemplate = "template"
	SubjectCanned   = "canned_response"
	SubjectTag      = "tag"
	SubjectContact  = "contact"
	// SubjectConversation is left out of the log unless asked for.
	SubjectConversation = "conversation"
)

// Subjects are the subject types the audit log offers as filters, in
// its order.
var Subjects = []string{SubjectUser, SubjectSetting, SubjectChannel, SubjectTeam, SubjectSLA,
	SubjectTemplate, SubjectCanned, SubjectTag, SubjectContact, SubjectConversation}
