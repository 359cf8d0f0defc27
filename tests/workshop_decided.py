"""Test helper: a workshop as it is after its vote (or while voting is open), made through the
services as its facilitator would: themes with root causes, the vote, and for a finished vote
the chosen themes with success statements, actions, a parked issue and an entry for follow-up."""

from __future__ import annotations

from workshop_rows import add_workshop

from culturetool.domain.access import Actor
from culturetool.services import workshop_outcomes as outcomes
from culturetool.store import workshops as store
from culturetool.store.db import transaction
from culturetool.store.tables import WorkshopEntry, WorkshopTheme

THEMES = {
    "I want a break when I need it": ("No cover at weekends", "Respite is booked months ahead"),
    "I tell my story again and again": ("Each service keeps its own records",),
    "Nobody calls me back": (),
}


def decided_workshop(area_id: int, facilitator: Actor, title: str, voting: str = "closed") -> int:
    """A workshop of the area run by `facilitator`, with voting `open` or `closed` (then the top
    two themes chosen and planned); its id."""
    workshop_id = add_workshop(area_id, title, facilitator)
    themes = []
    with transaction() as session:
        for statement in THEMES:
            theme = WorkshopTheme(
                workshop_id=workshop_id, kind="not_working_well", statement=statement
            )
            session.add(theme)
            session.flush()
            session.add(
                WorkshopEntry(
                    workshop_id=workshop_id,
                    kind="not_working_well",
                    channel="paper",
                    text=statement,
                    theme_id=theme.id,
                )
            )
            themes.append(theme.id)
        loose = WorkshopEntry(
            workshop_id=workshop_id,
            kind="future",
            channel="online",
            text="A carers' café in every town",
        )
        session.add(loose)
        session.flush()
        loose_id = loose.id
    for theme_id, causes in zip(themes, THEMES.values(), strict=True):
        for cause in causes:
            outcomes.add_root_cause(facilitator, workshop_id, theme_id, cause)
    outcomes.set_ballot(facilitator, workshop_id, themes)
    outcomes.open_voting(facilitator, workshop_id)
    for ballot in ({themes[0]: 3, themes[1]: 2}, {themes[0]: 2, themes[1]: 3}, {themes[2]: 2}):
        with transaction() as session:
            store.record_ballot(session, workshop_id, store.new_ballot_key(), ballot)
    outcomes.record_table_votes(facilitator, workshop_id, "Table 3", 1, {themes[2]: 1})
    if voting == "open":
        return workshop_id
    outcomes.close_voting(facilitator, workshop_id)
    outcomes.choose_themes(facilitator, workshop_id, themes[:2])
    outcomes.add_success_statement(
        facilitator, workshop_id, themes[0], "carers", "As a carer I get a break every month"
    )
    outcomes.add_success_statement(
        facilitator, workshop_id, themes[1], "people", "I tell my story once"
    )
    outcomes.set_already_happening(facilitator, workshop_id, "A carers' hub pilot in the north")
    action = outcomes.add_action(
        facilitator,
        workshop_id,
        themes[0],
        "Weekend respite cover",
        "Head of carers' services",
        "traditional",
        "six_months",
    )
    outcomes.save_review_notes(facilitator, workshop_id, action, "Funding agreed in March")
    outcomes.add_action(
        facilitator,
        workshop_id,
        themes[1],
        "One shared care record",
        "Digital lead",
        "radical",
        "three_months",
    )
    outcomes.park_issue(facilitator, workshop_id, "Parking at the day centre", "Estates lead")
    outcomes.mark_follow_up(facilitator, workshop_id, loose_id, True)
    return workshop_id
