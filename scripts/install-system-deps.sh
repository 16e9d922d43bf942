#!/usr/bin/env bash
# Install the Debian packages listed in a list file of scripts/ that are missing: by default
# system-packages.txt (everything `make site` / `make test` need); `make schrijven` passes
# system-packages-write.txt (only what writing needs). Needs root (as in CI) or passwordless sudo
# when something is missing. Prints what it does; exits non-zero when a package cannot be installed.
set -euo pipefail
cd "$(dirname "$0")"
list="${1:-system-packages.txt}"
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$list" | tr -d ' ')
missing=()
for pkg in "${wanted[@]}"; do
  # Ubuntu's chromium is a snap wrapper and Ubuntu has no chromium-headless-shell; a runner's
  # preinstalled Google Chrome does the job of both.
  if { [ "$pkg" = chromium ] || [ "$pkg" = chromium-headless-shell ]; } && ! command -v "$pkg" >/dev/null \
     && command -v google-chrome >/dev/null \
     && grep -q '^ID=ubuntu' /etc/os-release 2>/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Systeempakketten ontbreken (${missing[*]}) en apt-get is er niet: installeer ze zelf." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "Systeempakketten ontbreken: ${missing[*]}. Installeer ze als root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Systeempakketten installeren: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
