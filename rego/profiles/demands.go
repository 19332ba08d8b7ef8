package profiles

import (
	"encoding/json"
	"strings"
)

// GuideDemands says whether a required (not optional) step of the named
// profile lists action, in any case, among what the connector's role must
// be allowed (require.actions): the reader's requests then include it
// (analyzer/datapath ReaderRequests), although the reader table only
// recommends it.
func GuideDemands(profile, action string) bool {
	loadOnce.Do(func() { loaded, _ = Load() })
	for _, s := range loaded[profile].Steps {
		if s.Optional {
			continue
		}
		var as []struct {
			Action string `json:"action"`
		}
		if raw, ok := s.Require["actions"]; !ok || json.Unmarshal(raw, &as) != nil {
			continue
		}
		for _, a := range as {
			if strings.EqualFold(a.Action, action) {
				return true
			}
		}
	}
	return false
}

// Demands says whether a step of the named profile sets the requirement
// term to true (require.<term>: true), e.g. redshift_user_activity_logging
// for SkyFormation's K5: the delivery paths then judge what the guide asks
// beyond what AWS needs to deliver.
func Demands(profile, term string) bool {
	loadOnce.Do(func() { loaded, _ = Load() })
	for _, s := range loaded[profile].Steps {
		if s.Demands(term) {
			return true
		}
	}
	return false
}
