#!/usr/bin/env bash
# Build the catalog spaCy pipeline and train the Rasa model (both skip work when nothing changed).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
setup_bot
say "building the spaCy catalog pipeline (models/spacy/qc_en)"
"$VENV_BOT/bin/python" -m bot.spacy_pipeline --catalog services/quickconnect/seed/catalog.yml --out models/spacy/qc_en
say "training the Rasa model (skipped when data and config are unchanged)"
"$VENV_BOT/bin/rasa" train --config config.yml --domain domain.yml --data data --out models \
  --fixed-model-name quickconnect "$@"
