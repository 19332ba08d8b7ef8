package datapath

import "sort"

// ruleHops maps a catalog rule to the hops whose questions or problems it
// judges, so that `check --explain RULE_ID` shows the paths (and hops) the
// rule is about. Rules about a source's configuration alone (CT02, CT06,
// CT07, GD01, GD05, NT03, SQ04, SQ05) map to the hop that carries it.
var ruleHops = map[string][]HopKind{
	"CT01": {HopWriter}, "CT02": {HopWriter}, "CT03": {HopBucket}, "CT04": {HopObjectKey},
	"CT05": {HopTopic, HopTopicKey}, "CT06": {HopWriter}, "CT07": {HopWriter},
	"GD01": {HopWriter}, "GD02": {HopObjectKey}, "GD03": {HopObjectKey}, "GD04": {HopBucket}, "GD05": {HopBucket},
	"S301": {HopRead}, "S302": {HopObjectKey, HopRead}, "S303": {HopRead}, "S304": {HopBucket, HopRead}, "S305": {HopRead}, "S306": {HopRead},
	"NT01": {HopNotification}, "NT02": {HopNotification}, "NT03": {HopNotification}, "NT04": {HopNotification, HopTopic, HopQueue}, "NT05": {HopSubscription},
	"SN01": {HopTopic}, "SN02": {HopTopicKey}, "SN03": {HopSubscription},
	"SQ01": {HopQueue}, "SQ02": {HopQueueKey}, "SQ03": {HopQueue}, "SQ04": {HopQueue}, "SQ05": {HopQueue}, "SQ06": {HopReader},
	"KM01": {HopRead, HopReader}, "KM02": {HopRead}, "KM03": {HopObjectKey, HopTopicKey, HopQueueKey, HopRead},
	"ID01": {HopReader}, "ID02": {HopReader}, "ID03": {HopReader, HopRead},
	"OR01": {HopBucket, HopObjectKey, HopReader, HopRead}, "OR02": {HopReader, HopRead},
}

// HopsForRule returns the hops a catalog rule judges (nil for an unknown
// ID). With ForRule it selects what `--explain RULE_ID` prints.
func HopsForRule(id string) []HopKind {
	return append([]HopKind(nil), ruleHops[id]...)
}

// RuleIDs lists the rule IDs HopsForRule knows, sorted.
func RuleIDs() []string {
	ids := make([]string, 0, len(ruleHops))
	for id := range ruleHops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
