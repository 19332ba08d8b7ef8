package datapath

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// MemberWrites are CloudTrail's writes of an organization trail's log
// files for every member account: s3:PutObject of
// <prefix>/AWSLogs/<org-id>/<member>/CloudTrail/… with the context
// CloudTrail sends (the trail's writer context and s3:x-amz-acl
// bucket-owner-full-control), one question per member
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy).
// The trail's writer hop asks the management account's own paths; these
// are every other member's, which only the bucket policy's Resource and
// conditions tell apart.
//
// An organization has thousands of members whose answers are, but for
// the resource, the same: the members are grouped by the cause of their
// answer (its decision and the statements that decided it, or for an
// Unknown answer what it misses), and each group keeps the question of
// its least path, so that the rules read one answer per cause, not per
// member (input.path_index.member_writes).
type MemberWrites struct {
	// Trail is the organization trail's ARN, Bucket its bucket's name.
	Trail  string `json:"trail"`
	Bucket string `json:"bucket"`
	// Prefix is the organization's folder, <prefix>/AWSLogs/<org-id>/.
	Prefix string `json:"prefix"`
	// Members counts the organization's accounts (members and management).
	Members int `json:"members"`
	// Groups are the members by cause, sorted by First.
	Groups []MemberGroup `json:"groups"`
}

// MemberGroup is the members whose writes are answered for one cause.
type MemberGroup struct {
	// First is the least folder of the group's members,
	// <prefix>/AWSLogs/<org-id>/<member>/, and Question its write, answered.
	First    string   `json:"first"`
	Question Question `json:"question"`
	// Count is how many members the group holds.
	Count int `json:"count"`
}

// NewMemberWrites asks asker CloudTrail's write of every member account's
// files for each organization trail of srcs (none when the snapshot names
// no organization).
func NewMemberWrites(snap *snapshot.Snapshot, srcs []LogSource, asker Asker) []MemberWrites {
	if snap == nil || snap.Organization == nil || snap.Organization.ID == "" {
		return nil
	}
	ix := newIndex(snap)
	members := slices.Sorted(maps.Keys(ix.members))
	var out []MemberWrites
	for _, s := range srcs {
		if s.Trail == nil || !s.Trail.IsOrganizationTrail {
			continue
		}
		base := ""
		if s.Prefix != "" {
			base = s.Prefix + "/"
		}
		w := MemberWrites{Trail: s.ARN, Bucket: s.Bucket, Prefix: base + "AWSLogs/" + ix.orgID + "/", Members: len(members)}
		account := ""
		if b := ix.buckets[s.Bucket]; b != nil {
			account = b.Account
		}
		ctx := clone(s.WriterContext)
		ctx["s3:x-amz-acl"] = []string{"bucket-owner-full-control"}
		byCause := map[string]int{}
		for _, m := range members {
			folder := w.Prefix + m + "/"
			q := Question{ID: "put-object-member", Why: "the writer delivers a member account's log file",
				Principal: s.Writer, Action: "s3:PutObject",
				Resource:        "arn:" + ix.partition + ":s3:::" + s.Bucket + "/" + folder + trailObject(m, s.Region),
				ResourceAccount: account, Context: ctx}
			a := asker.Ask(q)
			k := causeKey(a)
			if i, ok := byCause[k]; ok {
				w.Groups[i].Count++
				continue
			}
			q.Answer = &a
			byCause[k] = len(w.Groups)
			w.Groups = append(w.Groups, MemberGroup{First: folder, Question: q, Count: 1})
		}
		// Members are asked in ID order, so each group's first question
		// is its least folder; the groups go in that order too.
		slices.SortFunc(w.Groups, func(a, b MemberGroup) int { return cmp.Compare(a.First, b.First) })
		out = append(out, w)
	}
	return out
}

// causeKey says what makes two answers one cause: the decision and the
// statements that decided it (as a rule tells causes apart), and, for an
// Unknown answer, what it misses (one unproven finding per cause).
func causeKey(a Answer) string {
	var b strings.Builder
	b.WriteString(string(a.Decision))
	for _, s := range a.Statements {
		b.WriteString("\x00" + s.Kind + "\x01" + s.Policy + "\x01" + s.Target + "\x01" + strconv.Itoa(s.Index) + "\x01" + s.Role)
	}
	if a.Decision == authz.Unknown {
		for _, c := range a.Causes {
			b.WriteString("\x02" + c.Key)
		}
	}
	return b.String()
}
