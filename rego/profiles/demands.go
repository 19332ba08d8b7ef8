package profiles

import "encoding/json"

// Demands says whether a step of the named profile sets the requirement
// term to true (require.<term>: true), e.g. redshift_user_activity_logging
// for SkyFormation's K5: the delivery paths then judge what the guide asks
// beyond what AWS needs to deliver.
func Demands(profile, term string) bool {
	loadOnce.Do(func() { loaded, _ = Load() })
	for _, s := range loaded[profile].Steps {
		var v bool
		if raw, ok := s.Require[term]; ok && json.Unmarshal(raw, &v) == nil && v {
			return true
		}
	}
	return false
}
