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

# Working Together for Change workshops (domain/workshop/).
# An entry is a slip of paper's worth: what one person said about one thing.
WORKSHOP_ENTRY_LENGTH = 500
WORKSHOP_PURPOSE_LENGTH = 1000  # what a workshop is for, a paragraph or two
MAX_WORKSHOP_DAYS = 5
THEME_STATEMENT_LENGTH = 200
ROOT_CAUSE_LENGTH = 500
SUCCESS_STATEMENT_LENGTH = 300
MAX_PASTED_ENTRIES = 500
MAX_IMPORTED_ENTRIES = 2000
# Dot voting: a handful each keeps choices meaningful; a budget of more than ten is a ranking.
MAX_VOTES_PER_PARTICIPANT = 10
MAX_TABLES = 20
MAX_PEOPLE_AT_TABLE = 20
# A public collection link takes this many responses at most, then says it is full; it is open
# for at most this many days (Hertfordshire collected for about two months).
DEFAULT_COLLECTION_RESPONSES = 200
MAX_COLLECTION_RESPONSES = 2000
MAX_COLLECTION_DAYS = 92
