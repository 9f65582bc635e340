#!/usr/bin/env bash
# One command for a newcomer: install everything, then run the services (with demo data), the
# action server and the Rasa server on localhost. Ctrl-C stops them all.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
command -v curl >/dev/null || die "curl is needed (apt-get install curl)"
mkdir -p var/log
export QC_SERVICES_URL="${QC_SERVICES_URL:-http://127.0.0.1:8000}"
SERVICES_PORT="${QC_SERVICES_PORT:-8000}" ACTIONS_PORT="${QC_ACTIONS_PORT:-5055}" RASA_PORT="${QC_RASA_PORT:-5005}"

setup_services
say "services: migrating and seeding the demo data"
"$VENV_SERVICES/bin/qc-services" migrate
"$VENV_SERVICES/bin/qc-services" seed
bash scripts/train.sh

pids=()
cleanup() { trap - EXIT INT TERM; say "stopping"; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$VENV_SERVICES/bin/qc-services" serve --host 127.0.0.1 --port "$SERVICES_PORT" > var/log/services.log 2>&1 & pids+=($!)
"$VENV_BOT/bin/rasa" run actions --port "$ACTIONS_PORT" > var/log/actions.log 2>&1 & pids+=($!)
"$VENV_BOT/bin/rasa" run --model models --endpoints endpoints.yml --credentials credentials.yml \
  --enable-api --cors '*' --port "$RASA_PORT" -i 127.0.0.1 > var/log/rasa.log 2>&1 & pids+=($!)

wait_http "http://127.0.0.1:$SERVICES_PORT/health" 60 "the services"
wait_http "http://127.0.0.1:$ACTIONS_PORT/health" 120 "the action server"
wait_http "http://127.0.0.1:$RASA_PORT/" 300 "the Rasa server"

cat <<MSG

QuickConnect is running (logs in var/log/):
  services API    http://127.0.0.1:$SERVICES_PORT/docs   (OpenAPI: /openapi.json)
  Rasa REST       http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook   (metadata: {"token": "<JWT>"})
  action server   http://127.0.0.1:$ACTIONS_PORT/health

Chat in this terminal from another shell:
  .venv/bot/bin/python scripts/chat.py --customer QC-1001        (demo PINs: QC-1001 1234, QC-1002 2345, QC-1003 3456)
  .venv/bot/bin/python scripts/chat.py --agent agent-ana         (then name the account, e.g. "QC-1002 wants to cancel device protection")
  .venv/bot/bin/python scripts/chat.py                           (anonymous: FAQs only)
Press Ctrl-C here to stop everything.
MSG
wait -n "${pids[@]}"
die "a process exited; see var/log/"
