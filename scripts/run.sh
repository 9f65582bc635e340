#!/usr/bin/env bash
# One command for a newcomer: install everything, then run the services (with demo data), the
# action server and the Rasa server on localhost. Ctrl-C stops them all.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
command -v curl >/dev/null || die "curl is needed (apt-get install curl)"
mkdir -p var/log
SERVICES_PORT="${QC_SERVICES_PORT:-8000}" ACTIONS_PORT="${QC_ACTIONS_PORT:-5055}" RASA_PORT="${QC_RASA_PORT:-5005}"
# A port already taken (often an earlier run.sh still running) would make the health checks below
# answer for the other processes: stop before installing anything.
for port in "$SERVICES_PORT" "$ACTIONS_PORT" "$RASA_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is already in use (another scripts/run.sh still running?). Stop it, or choose
  other ports: QC_SERVICES_PORT (8000), QC_ACTIONS_PORT (5055), QC_RASA_PORT (5005)."
  fi
done
export QC_SERVICES_URL="${QC_SERVICES_URL:-http://127.0.0.1:$SERVICES_PORT}"
export QC_ASSISTANT_URL="${QC_ASSISTANT_URL:-http://127.0.0.1:$RASA_PORT}"   # where the pages' chat widget posts
# The support dashboard reads the conversations Rasa stores (endpoints.yml's tracker store), read-only.
export QC_TRACKER_DB_URL="${QC_TRACKER_DB_URL:-sqlite:///$ROOT/var/rasa_tracker.db}"

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
# No --enable-api: the HTTP API would let anyone rewrite conversations; the web pages (their
# origin is the only one allowed by CORS) need only the QuickConnect channel.
# endpoints.yml names the default action server port; another QC_ACTIONS_PORT gets a copy that points there.
sed "s#127.0.0.1:5055/#127.0.0.1:$ACTIONS_PORT/#" endpoints.yml > var/endpoints.run.yml
"$VENV_BOT/bin/rasa" run --model models --endpoints var/endpoints.run.yml --credentials credentials.yml \
  --cors "http://127.0.0.1:$SERVICES_PORT" "http://localhost:$SERVICES_PORT" --port "$RASA_PORT" -i 127.0.0.1 > var/log/rasa.log 2>&1 & pids+=($!)

wait_http "http://127.0.0.1:$SERVICES_PORT/health" 60 "the services"
wait_http "http://127.0.0.1:$ACTIONS_PORT/health" 120 "the action server"
wait_http "http://127.0.0.1:$RASA_PORT/webhooks/quickconnect/" 300 "the Rasa server"

cat <<MSG

QuickConnect is running (logs in var/log/). Open in a browser:
  customer live chat   http://127.0.0.1:$SERVICES_PORT/web/             (demo: QC-1001 / 1234, QC-1002 / 2345, QC-1003 / 3456)
  online account       http://127.0.0.1:$SERVICES_PORT/web/account.html (the same customer sign-in: services, plan, usage)
  employee portal      http://127.0.0.1:$SERVICES_PORT/web/portal.html  (demo: agent-ana / ana-demo-pass, agent-ben / ben-demo-pass)
  support dashboard    http://127.0.0.1:$SERVICES_PORT/web/dashboard.html (demo supervisor: sup-sam / sam-demo-pass; agents too)
Behind them:
  services API         http://127.0.0.1:$SERVICES_PORT/docs   (OpenAPI: /openapi.json)
  chat channel         http://127.0.0.1:$RASA_PORT/webhooks/quickconnect/webhook   (Authorization: Bearer <JWT>)
  action server        http://127.0.0.1:$ACTIONS_PORT/health

Chat in this terminal from another shell:
  .venv/bot/bin/python scripts/chat.py --customer QC-1001        (demo PINs: QC-1001 1234, QC-1002 2345, QC-1003 3456)
  .venv/bot/bin/python scripts/chat.py --agent agent-ana         (then name the account, e.g. "QC-1002 wants to cancel device protection")
  .venv/bot/bin/python scripts/chat.py                           (anonymous: FAQs only)
Press Ctrl-C here to stop everything.
MSG
wait -n "${pids[@]}"
die "a process exited; see var/log/"
