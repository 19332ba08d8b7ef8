#!/usr/bin/env bash
# The trailgate Action's work (action.yml): install the pinned trailgate,
# run `check` once for SARIF and once for the Markdown job summary, and
# report the exit code as a step output instead of failing, so that the
# SARIF is uploaded before the job fails.
#
# Inputs come from the environment (action.yml sets them); TRAILGATE_BIN
# names a trailgate binary to use instead of installing one (tests).
set -uo pipefail

out="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

bin="${TRAILGATE_BIN:-}"
if [ -z "$bin" ]; then
	version="${TRAILGATE_VERSION:?version input is empty}"
	# go install pins the module version; GOBIN keeps it out of the
	# repository and off any other trailgate on PATH.
	gobin="${RUNNER_TEMP:-/tmp}/trailgate-$version"
	if [ ! -x "$gobin/trailgate" ]; then
		GOBIN="$gobin" go install "github.com/trailgate/trailgate/cmd/trailgate@$version" || {
			echo "::error::go install github.com/trailgate/trailgate/cmd/trailgate@$version failed"
			echo "exit-code=2" >>"$out"
			exit 0
		}
	fi
	bin="$gobin/trailgate"
fi

args=()
while IFS= read -r p; do
	p="${p#"${p%%[![:space:]]*}"}"
	p="${p%"${p##*[![:space:]]}"}"
	[ -n "$p" ] && args+=(--iac "$p")
done <<<"${INPUT_IAC:-}"
[ -n "${INPUT_SNAPSHOT:-}" ] && args+=(--snapshot "$INPUT_SNAPSHOT")
[ -n "${INPUT_CONNECTOR:-}" ] && args+=(--connector "$INPUT_CONNECTOR")
[ -n "${INPUT_TF_DIR:-}" ] && args+=(--tf-dir "$INPUT_TF_DIR")
args+=(--fail-on "${INPUT_FAIL_ON:-high}")
if [ -n "${INPUT_ARGS:-}" ]; then
	# Word-split on purpose: args is a flag list such as "--param A=1".
	read -r -a extra <<<"$INPUT_ARGS"
	args+=("${extra[@]}")
fi

sarif="${INPUT_SARIF_FILE:-trailgate.sarif}"
"$bin" check "${args[@]}" --format sarif --output "$sarif"
code=$?
echo "exit-code=$code" >>"$out"
if [ "$code" -le 1 ] && [ -s "$sarif" ]; then
	echo "sarif-file=$sarif" >>"$out"
fi

if [ "${INPUT_JOB_SUMMARY:-true}" = "true" ] && [ "$code" -le 1 ]; then
	link=()
	[ -n "${LINK_BASE:-}" ] && link=(--link-base "$LINK_BASE")
	"$bin" check "${args[@]}" --format markdown "${link[@]}" >>"$summary"
fi
exit 0
