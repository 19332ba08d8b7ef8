# METADATA
# title: What a log reader needs, and what is only recommended
# description: >-
#   The reader rules (SQ06, S305) demand what every SQS-driven S3 reader
#   calls (data.trailgate.reader_actions, rego/profiles/reader.go: Receive
#   and Delete on the queue, GetObject on the objects, Decrypt on every key)
#   plus what the reader's kind needs (a Lambda event source mapping also
#   calls GetQueueAttributes) and what the connector's vendor guide demands
#   (a required profile step's require.actions). Every other action of the
#   table is only recommended: at most a low finding quoting what works
#   differently without it.
package trailgate.lib.needs

import data.trailgate.lib.datapath

# rows are the table's actions judged by rule, in table order.
rows(rule) := [a | some a in data.trailgate.reader_actions; a.rule == rule]

# steps_demanding are the required steps of the connector's profile that
# list action.
steps_demanding(action) := {s |
	some s in datapath.required_steps
	some a in object.get(s.require, "actions", [])
	lower(a.action) == lower(action)
}

required(row, _) if row.needed

required(row, kind) if kind in object.get(row, "needed_by", [])

required(row, _) if count(steps_demanding(row.action)) > 0

# demanded are the actions of rule a reader of kind must be allowed.
demanded(rule, kind) := [a.action | some a in rows(rule); required(a, kind)]

# recommended are the others, but those a reader of kind never calls.
recommended(rule, kind) := [a.action |
	some a in rows(rule)
	not required(a, kind)
	not kind in object.get(a, "moot_for", [])
]

without_it(action) := a.without_it if {
	some a in data.trailgate.reader_actions
	a.action == action
}

# guide_note names the guide steps that demand some of actions, for a
# message: " (expel step E9 demands it)", or "".
guide_note(actions) := sprintf(" (%s demands it)", [concat(", ", ids)]) if {
	ids := sort({sprintf("%s step %s", [datapath.profile_name, s.id]) |
		some a in actions
		some s in steps_demanding(a)
	})
	count(ids) > 0
} else := ""

# recommended_text says, for each action, what works differently without
# it.
recommended_text(actions) := concat("; ", [sprintf("without %s %s", [a, without_it(a)]) | some a in actions])
