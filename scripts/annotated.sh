#!/usr/bin/env bash
# Runs a command for a GitHub Actions step whose stdout holds its annotations (`--format github`,
# `--annotations github`: one escaped line each) and whose stderr is its log.
#
# The log may quote an author's text. It is shown with workflow commands stopped (a random token
# that the command cannot know), so no text in it is ever read as a command; after the command,
# only the lines of stdout that are annotations are given to GitHub. Exits with the command's code.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "gebruik: scripts/annotated.sh COMMANDO [ARGUMENTEN...]" >&2
  exit 2
fi
token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
echo "::stop-commands::${token}"
code=0
"$@" >"$out" || code=$?
cat "$out" # the whole output in the log, still as text
echo "::${token}::"
grep -E '^::error file=[^:]*,line=[0-9]+,col=[0-9]+,title=[^:]*::' "$out" || true
exit "$code"
