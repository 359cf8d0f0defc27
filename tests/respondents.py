"""Test helpers: rounds and responses through the services, as the respondent page calls them."""

from __future__ import annotations

from culturetool.domain.access import Actor
from culturetool.services import responding
from culturetool.views.organisation import RoundSummary

ROOMY_TEAM = 60  # staff count of test rounds that are not about the cap


def open_link_round(actor: Actor, team_id: int, staff_count: int = ROOMY_TEAM) -> RoundSummary:
    """An open-link round, big enough for the test's responses."""
    return responding.open_round(actor, team_id, access_mode="link", staff_count=staff_count).round


def send(token: str, key: str, answers: dict[str, int], comment: str = "") -> bool:
    """One person's answers through the open link, each key from its own browser and network,
    so the limits on senders do not come into it."""
    return responding.submit_response(
        token,
        answers,
        comment,
        submission_key=key,
        sender_ip=f"network of {key}",
        sender_agent=f"browser of {key}",
    )
