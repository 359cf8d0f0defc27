"""The fixed sets of values a workshop's rows, services and pages pass around, in the style of
`domain/kinds.py`: each is a StrEnum whose values are the words stored in the database (build a
table's CHECK with `domain.kinds.one_of`), and each member's `label` is the plain words people
read.

They live beside the workshop rules rather than in `domain/kinds.py` because only workshops use
them.
"""

from __future__ import annotations

from enum import StrEnum

from culturetool.domain.kinds import ActionTimescale


class Stage(StrEnum):
    """The eight stages of Working Together for Change, in the order they are worked through."""

    PREPARE = "prepare"
    COLLECT = "collect"
    THEME = "theme"
    UNDERSTAND = "understand"
    IDENTIFY_SUCCESS = "identify_success"
    PLAN = "plan"
    IMPLEMENT = "implement"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


class EntryKind(StrEnum):
    """The three questions each person answers (two answers each)."""

    WORKING_WELL = "working_well"
    NOT_WORKING_WELL = "not_working_well"
    FUTURE = "future"  # important for the future

    @property
    def label(self) -> str:
        return _ENTRY_KIND_LABELS[self]


class Channel(StrEnum):
    """How an entry reached the workshop."""

    ONLINE = "online"
    EASY_READ = "easy_read"
    TELEPHONE = "telephone"
    VIDEO_CALL = "video_call"
    SIGN_LANGUAGE_VIDEO = "sign_language_video"
    VISIT = "visit"
    PAPER = "paper"

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]


class Perspective(StrEnum):
    """The perspectives every workshop can name; a workshop may add its own
    (`stages.custom_perspective`)."""

    PEOPLE = "people"  # people who draw on care and support
    CARERS = "carers"  # carers and family
    STAFF = "staff"
    PROVIDERS = "providers"
    COMMISSIONERS = "commissioners"

    @property
    def label(self) -> str:
        return _PERSPECTIVE_LABELS[self]


class Viewpoint(StrEnum):
    """The viewpoints a plan's actions are thought through from."""

    TRADITIONAL = "traditional"
    COMMUNITY = "community"
    RADICAL = "radical"

    @property
    def label(self) -> str:
        return _VIEWPOINT_LABELS[self]


class WorkshopLinkPurpose(StrEnum):
    """What a workshop's public link opens: the collection form or the phone vote."""

    COLLECT = "collect"
    VOTE = "vote"


class VotingState(StrEnum):
    NOT_OPEN = "not_open"  # not opened yet
    OPEN = "open"
    CLOSED = "closed"


# A workshop's actions are the area plan's actions, so they use the plan's timescales; the plan's
# fourth, a date the person chose, is not one of the workshop's three commitments.
WORKSHOP_TIMESCALES = (
    ActionTimescale.FIRST_WEEK,
    ActionTimescale.THREE_MONTHS,
    ActionTimescale.SIX_MONTHS,
)

_STAGE_LABELS = {
    Stage.PREPARE: "Prepare",
    Stage.COLLECT: "Collect",
    Stage.THEME: "Theme",
    Stage.UNDERSTAND: "Understand",
    Stage.IDENTIFY_SUCCESS: "Identify success",
    Stage.PLAN: "Plan",
    Stage.IMPLEMENT: "Implement",
    Stage.REVIEW: "Review",
}
_ENTRY_KIND_LABELS = {
    EntryKind.WORKING_WELL: "Working well",
    EntryKind.NOT_WORKING_WELL: "Not working well",
    EntryKind.FUTURE: "Important for the future",
}
_CHANNEL_LABELS = {
    Channel.ONLINE: "Online",
    Channel.EASY_READ: "Easy read",
    Channel.TELEPHONE: "Telephone",
    Channel.VIDEO_CALL: "Video call",
    Channel.SIGN_LANGUAGE_VIDEO: "Sign-language video",
    Channel.VISIT: "Visit",
    Channel.PAPER: "Paper",
}
_PERSPECTIVE_LABELS = {
    Perspective.PEOPLE: "People who draw on care and support",
    Perspective.CARERS: "Carers and family",
    Perspective.STAFF: "Staff",
    Perspective.PROVIDERS: "Providers",
    Perspective.COMMISSIONERS: "Commissioners",
}
_VIEWPOINT_LABELS = {
    Viewpoint.TRADITIONAL: "Traditional",
    Viewpoint.COMMUNITY: "Community",
    Viewpoint.RADICAL: "Radical",
}
