"""Limits on what people may type and choose, shared by the tables (column sizes and CHECK
constraints), the services (which refuse a value with a message) and the pages (which tell people
the limit before they type). They live here so that none of those has to import another."""

from __future__ import annotations

NAME_LENGTH = 120
EMAIL_LENGTH = 254
DEFAULT_ANONYMITY_THRESHOLD = 5
MIN_ANONYMITY_THRESHOLD = 3
# Free text can give its writer away by its style, so it needs more people behind it than scores.
DEFAULT_COMMENT_THRESHOLD = 10
COMMENT_LENGTH = 1000
ACTION_TITLE_LENGTH = 200
ACTION_NOTES_LENGTH = 2000

MIN_STAFF_COUNT = 1
MAX_STAFF_COUNT = 500
