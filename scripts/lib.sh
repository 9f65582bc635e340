# Shared helpers for the project's scripts: find interpreters, make the two virtual environments.
# Sourced, not run. Everything here is idempotent: a second run installs nothing new.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_BOT="$ROOT/.venv/bot"
VENV_SERVICES="$ROOT/.venv/services"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Rasa 3.6 runs on Python 3.10 only (not 3.11+).
find_python310() {
  local cand
  for cand in "${QC_PYTHON310:-}" python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
      command -v "$cand"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local v
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
      cand="$(pyenv prefix "$v")/bin/python"
      if "$cand" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
        echo "$cand"; return 0
      fi
    done
  fi
  die "Python 3.10 is required for the assistant (Rasa 3.6 does not run on 3.11+).
  Install it, then run this command again, with one of:
    pyenv install 3.10.13            (pyenv, then nothing else to do)
    apt-get install python3.10 python3.10-venv   (Debian/Ubuntu releases that ship it)
  or point QC_PYTHON310 at a python3.10 binary."
}

# The services run on any Python >= 3.10 (their own venv, SQLAlchemy 2, FastAPI).
find_python_services() {
  local cand
  for cand in "${QC_PYTHON_SERVICES:-}" python3 python3.12 python3.11; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import sys; assert sys.version_info >= (3, 10)' >/dev/null 2>&1; then
      command -v "$cand"; return 0
    fi
  done
  find_python310
}

# make_venv DIR PYTHON REQUIREMENTS... : create once, reinstall only when the requirements change.
make_venv() {
  local dir="$1" py="$2"; shift 2
  local stamp="$dir/.requirements.sha256" want
  want="$(cat "$@" | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$dir/bin/python" ]; then
    say "creating $dir with $("$py" --version 2>&1)"
    "$py" -m venv "$dir" || die "could not create a virtual environment with $py (on Debian: apt-get install python3-venv)"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing $(basename "$dir") requirements (first time: several minutes)"
    "$dir/bin/python" -m pip install -q --upgrade "pip==24.0" "setuptools<70" wheel
    local req args=()
    for req in "$@"; do args+=(-r "$req"); done
    "$dir/bin/python" -m pip install -q "${args[@]}" || die "pip install failed for $*"
    echo "$want" > "$stamp"
  fi
}

setup_services() {
  make_venv "$VENV_SERVICES" "$(find_python_services)" "$ROOT/requirements/services-test.txt"
  "$VENV_SERVICES/bin/python" -m pip install -q --no-deps -e "$ROOT/services" >/dev/null
}

setup_bot() {
  make_venv "$VENV_BOT" "$(find_python310)" "$ROOT/requirements/bot.txt"
  "$VENV_BOT/bin/python" -m pip install -q --no-deps -r "$ROOT/requirements/bot-no-deps.txt" \
    || die "pip install failed for requirements/bot-no-deps.txt"
}

# wait_http URL SECONDS NAME : poll until the URL answers 2xx, or fail with the log to read.
wait_http() {
  local url="$1" secs="$2" name="$3" i
  for ((i = 0; i < secs; i++)); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 1
  done
  die "$name did not answer at $url within ${secs}s (see $ROOT/var/log/)"
}
