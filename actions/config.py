"""The action server's configuration: every environment variable it reads, read here once."""
import os

from bot.secrets import jwt_secret

SERVICES_URL = os.environ.get("QC_SERVICES_URL", "http://127.0.0.1:8000").rstrip("/")
# Shared with the services, which sign the tokens the channel passes on in message metadata.
JWT_SECRET = jwt_secret()
# Seconds to wait for the services: connect, then read. Rasa waits for the action server longer
# than the client's worst case (timeouts x attempts), so the user always gets our reply.
CONNECT_TIMEOUT = float(os.environ.get("QC_SERVICES_CONNECT_TIMEOUT", "2"))
READ_TIMEOUT = float(os.environ.get("QC_SERVICES_READ_TIMEOUT", "6"))
RETRIES = int(os.environ.get("QC_SERVICES_RETRIES", "2"))
CATALOG_CACHE_SECONDS = float(os.environ.get("QC_CATALOG_CACHE_SECONDS", "300"))
# The services' "today" when pinned for demos and tests (QC_TODAY, as the services read it), so that
# "thursday at 4pm" means the same day to the assistant as to the services' money and cycles.
TODAY = os.environ.get("QC_TODAY") or None
