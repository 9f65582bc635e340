"""Custom actions of the QuickConnect assistant (rasa-sdk action server)."""
from bot.log_masking import install as _mask_secrets_in_logs

# The action server handles identity tokens and account numbers on every request: mask them in logs.
_mask_secrets_in_logs()
