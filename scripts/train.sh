#!/usr/bin/env bash
# Build the catalog spaCy pipeline and train the Rasa model (both skip work when nothing changed).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
setup_bot
# The spaCy pipeline holds the catalog's names and the known words of data/nlu (bot/names.py):
# rebuilt when the catalog, the NLU data or bot/spacy_pipeline.py changed since the last build.
SPACY_ARGS=(--catalog services/quickconnect/seed/catalog.yml --nlu data/nlu --out models/spacy/qc_en)
if "$VENV_BOT/bin/python" -m bot.spacy_pipeline --check "${SPACY_ARGS[@]}" >/dev/null 2>&1; then
  say "the spaCy catalog pipeline (models/spacy/qc_en) is up to date"
else
  say "building the spaCy catalog pipeline (models/spacy/qc_en)"
  "$VENV_BOT/bin/python" -m bot.spacy_pipeline "${SPACY_ARGS[@]}"
fi
say "training the Rasa model (skipped when data and config are unchanged)"
"$VENV_BOT/bin/rasa" train --config config.yml --domain domain.yml --data data --out models \
  --fixed-model-name quickconnect "$@"
