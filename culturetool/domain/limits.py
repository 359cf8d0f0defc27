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

# How long a one-off link an administrator makes stays usable: an invitation waits for someone
# to get round to it; a password reset is for now, so a link forwarded or found later is dead.
INVITATION_LINK_LIFETIME_HOURS = 7 * 24
RESET_LINK_LIFETIME_HOURS = 24

# An IANA time zone name such as "Europe/London" (the longest names are about 30 characters).
TIME_ZONE_LENGTH = 64
DEFAULT_TIME_ZONE = "Europe/London"
