package authz

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
