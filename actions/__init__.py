"""Custom actions of the QuickConnect assistant (rasa-sdk action server)."""
