"""One router per file, included by app.api.main.create_app."""
