"""The identity-token secret for the Rasa server's channel and the action server, from the
environment only. A production deployment (QC_ENV=production) refuses to start without a real one,
as the services do: with the development default anyone could sign their own tokens."""
import os

DEV_JWT_SECRET = "quickconnect-dev-secret-change-me"


def jwt_secret() -> str:
    secret = os.environ.get("QC_JWT_SECRET") or ""
    if os.environ.get("QC_ENV") == "production" and (secret in ("", DEV_JWT_SECRET) or len(secret) < 32):
        raise SystemExit("QC_ENV=production but QC_JWT_SECRET is unset, the development default or shorter "
                         "than 32 characters: set it to the services' random secret.")
    return secret or DEV_JWT_SECRET
