"""The theme board of stage 3: the workshop's entries grouped into themes. Pure rules.

A `Board` is an immutable value. Each operation returns a new board, or raises `InputProblem`
(the message says what to fix) or `Conflict` (someone else changed it first); the board it was
called on never changes. The invariant, checked whenever a board is built: every entry is in
exactly one theme or unthemed (shown as such), and a theme holds entries of one kind only, so
no operation can lose or copy an entry.

Several facilitators edit one board at the same time. Each theme has a version, raised by every
change to it. An operation is given `seen`: the versions of the themes it involves as the
facilitator's screen showed them. If one of them has changed since, or an entry chosen as
unthemed has since been put in a theme, the operation is refused with `Conflict` rather than
undoing the other person's work. A board therefore needs no version of its own: edits to
different themes never refuse each other.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.limits import THEME_STATEMENT_LENGTH
from culturetool.domain.text import clean_line
from culturetool.domain.workshop.kinds import EntryKind


class Conflict(InputProblem):
    """Another facilitator changed what this edit was made on; the message says to look at the
    board again (it shows their change) and redo the edit if it is still wanted."""


ABOUT = {
    EntryKind.WORKING_WELL: "what is working well",
    EntryKind.NOT_WORKING_WELL: "what is not working well",
    EntryKind.FUTURE: "what is important for the future",
}

# Words that make a statement first person, as people would say it: "I want better joined-up
# services", "having a break when I need it", "We want to be listened to".
# ("I'm" and "we've" count through their first part.)
FIRST_PERSON = frozenset(
    {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
)


@dataclass(frozen=True)
class Theme:
    id: int
    kind: EntryKind  # every entry in it is of this kind
    entry_ids: frozenset[int]
    statement: str = ""  # the "I" or "We" statement; "" until someone writes it
    condition_ids: frozenset[str] = frozenset()  # culture model conditions it points at
    version: int = 1

    @property
    def name(self) -> str:
        """How messages refer to the theme: by its statement, else by what it is about."""
        if self.statement:
            shown = self.statement if len(self.statement) <= 60 else self.statement[:57] + "..."
            return f"the theme “{shown}”"
        return f"a theme of {ABOUT[self.kind]} with no statement yet"


@dataclass(frozen=True)
class Board:
    """The entries on a workshop's board (id → kind) and its themes (id → theme)."""

    entries: Mapping[int, EntryKind]
    themes: Mapping[int, Theme] = field(default_factory=dict)
    # entry id → the theme it is in (unthemed entries are not keys); built from the themes
    _place: Mapping[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = MappingProxyType(dict(self.entries))
        themes = MappingProxyType(dict(self.themes))
        place: dict[int, int] = {}
        for key, theme in themes.items():
            if key != theme.id:
                raise ValueError(f"theme {theme.id} is filed under {key}")
            for entry_id in theme.entry_ids:
                if entry_id not in entries:
                    raise ValueError(f"theme {theme.id} holds entry {entry_id}, not on the board")
                if entry_id in place:
                    raise ValueError(
                        f"entry {entry_id} is in themes {place[entry_id]} and {theme.id}"
                    )
                if entries[entry_id] != theme.kind:
                    raise ValueError(f"entry {entry_id} is not of theme {theme.id}'s kind")
                place[entry_id] = theme.id
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "themes", themes)
        object.__setattr__(self, "_place", MappingProxyType(place))

    def theme_of(self, entry_id: int) -> int | None:
        """The theme the entry is in, or None when it is unthemed."""
        if entry_id not in self.entries:
            raise NotFound("That entry is not on this workshop's board.")
        return self._place.get(entry_id)

    def unthemed(self, kind: EntryKind | None = None) -> list[int]:
        """The entries in no theme (of one kind, or all), in id order."""
        return sorted(
            entry_id
            for entry_id, entry_kind in self.entries.items()
            if entry_id not in self._place and kind in (None, entry_kind)
        )

    def with_entries(self, new: Mapping[int, EntryKind]) -> Board:
        """The board with entries collected since, unthemed."""
        repeated = sorted(set(new) & set(self.entries))
        if repeated:
            raise ValueError(f"entries {repeated} are already on the board")
        return Board({**self.entries, **new}, self.themes)

    # Operations. Each takes `seen`: theme id → the version the facilitator's screen showed, for
    # every theme the operation involves (where the chosen entries are, and where they go).

    def make_theme(self, entry_ids: Collection[int], new_id: int, seen: Mapping[int, int]) -> Board:
        """A new theme of the chosen entries, taken from wherever they are."""
        chosen = self._chosen(entry_ids)
        self._check_seen(self._places_of(chosen), seen)
        kind = self._one_kind(chosen)
        self._check_new_id(new_id)
        themes = self._without(chosen)
        themes[new_id] = Theme(new_id, kind, frozenset(chosen))
        return Board(self.entries, themes)

    def put_in_theme(
        self, entry_ids: Collection[int], theme_id: int, seen: Mapping[int, int]
    ) -> Board:
        """The chosen entries added to a theme: unthemed ones, or ones moved from other themes.
        Entries already in it stay where they are."""
        chosen = self._chosen(entry_ids)
        target = self._theme(theme_id, seen)
        self._check_seen(self._places_of(chosen) | {theme_id}, seen)
        kind = self._one_kind(chosen)
        if kind != target.kind:
            raise InputProblem(
                f"That theme is about {ABOUT[target.kind]}, and the entries you chose are about "
                f"{ABOUT[kind]}. A theme holds one kind of entry: choose a theme of {ABOUT[kind]} "
                "or make a new one."
            )
        moving = chosen - target.entry_ids
        if not moving:
            return self
        themes = self._without(moving)
        themes[theme_id] = _changed(target, entry_ids=target.entry_ids | moving)
        return Board(self.entries, themes)

    def take_out(self, entry_ids: Collection[int], seen: Mapping[int, int]) -> Board:
        """The chosen entries out of their themes, back among the unthemed."""
        chosen = self._chosen(entry_ids)
        self._check_seen(self._places_of(chosen), seen)
        return Board(self.entries, self._without(chosen))

    def merge(self, into: int, others: Collection[int], seen: Mapping[int, int]) -> Board:
        """The other themes' entries and conditions moved into `into`, and the others gone. The
        merged theme keeps its own statement, or takes the first other one's if it has none."""
        target = self._theme(into, seen)
        merging = [self._theme(other, seen) for other in sorted(set(others) - {into})]
        if not merging:
            raise InputProblem("Choose at least one other theme to merge into this one.")
        self._check_seen({into, *(theme.id for theme in merging)}, seen)
        kinds = {target.kind, *(theme.kind for theme in merging)}
        if len(kinds) > 1:
            raise InputProblem(
                "Only themes of the same kind can be merged: these are about "
                f"{_and(ABOUT[kind] for kind in EntryKind if kind in kinds)}."
            )
        statement = target.statement or next(
            (theme.statement for theme in merging if theme.statement), ""
        )
        themes = dict(self.themes)
        for theme in merging:
            del themes[theme.id]
        themes[into] = _changed(
            target,
            entry_ids=target.entry_ids.union(*(theme.entry_ids for theme in merging)),
            condition_ids=target.condition_ids.union(*(theme.condition_ids for theme in merging)),
            statement=statement,
        )
        return Board(self.entries, themes)

    def split(
        self, theme_id: int, entry_ids: Collection[int], new_id: int, seen: Mapping[int, int]
    ) -> Board:
        """Some of a theme's entries made into a new theme of their own (with no statement or
        conditions yet: the facilitator words and tags it)."""
        theme = self._theme(theme_id, seen)
        chosen = self._chosen(entry_ids)
        self._check_seen({theme_id}, seen)
        elsewhere = len(chosen - theme.entry_ids)
        if elsewhere:
            raise InputProblem(
                f"Only entries in {theme.name} can be split off from it, and {elsewhere} of the "
                f"entries you chose {'is' if elsewhere == 1 else 'are'} somewhere else."
            )
        self._check_new_id(new_id)
        themes = dict(self.themes)
        themes[theme_id] = _changed(theme, entry_ids=theme.entry_ids - chosen)
        themes[new_id] = Theme(new_id, theme.kind, frozenset(chosen))
        return Board(self.entries, themes)

    def delete_theme(self, theme_id: int, seen: Mapping[int, int]) -> Board:
        """The theme gone; its entries are unthemed again, not lost."""
        self._theme(theme_id, seen)
        self._check_seen({theme_id}, seen)
        themes = dict(self.themes)
        del themes[theme_id]
        return Board(self.entries, themes)

    def set_statement(self, theme_id: int, raw: str | None, seen: Mapping[int, int]) -> Board:
        """The theme's "I" or "We" statement, in the participants' words."""
        theme = self._theme(theme_id, seen)
        self._check_seen({theme_id}, seen)
        statement = clean_line(
            raw,
            "statement",
            THEME_STATEMENT_LENGTH,
            "Please write the theme's “I” or “We” statement, for example “I want to connect "
            "with people like me”.",
        )
        if not is_first_person(statement):
            raise InputProblem(
                "Word the statement as people would say it, with I, me, my, we, us or our: for "
                "example “I want better joined-up services” rather than “Better joined-up "
                "services”."
            )
        if statement == theme.statement:
            return self
        return Board(self.entries, {**self.themes, theme_id: _changed(theme, statement=statement)})

    def set_conditions(
        self,
        theme_id: int,
        condition_ids: Collection[str],
        known: Collection[str],
        seen: Mapping[int, int],
    ) -> Board:
        """The culture model conditions the theme points at (none is allowed); `known` is the
        ids of the model in force."""
        theme = self._theme(theme_id, seen)
        self._check_seen({theme_id}, seen)
        unknown = sorted(set(condition_ids) - set(known))
        if unknown:
            raise InputProblem(
                f"The culture model has no condition {_and(f'“{u}”' for u in unknown)}; "
                "choose from the conditions listed."
            )
        tags = frozenset(condition_ids)
        if tags == theme.condition_ids:
            return self
        return Board(self.entries, {**self.themes, theme_id: _changed(theme, condition_ids=tags)})

    # The checks the operations share.

    def _chosen(self, entry_ids: Collection[int]) -> frozenset[int]:
        chosen = frozenset(entry_ids)
        if not chosen:
            raise InputProblem("Choose at least one entry first.")
        if not chosen <= self.entries.keys():
            raise NotFound("An entry you chose is not on this workshop's board.")
        return chosen

    def _places_of(self, chosen: Iterable[int]) -> set[int]:
        return {self._place[entry_id] for entry_id in chosen if entry_id in self._place}

    def _theme(self, theme_id: int, seen: Mapping[int, int]) -> Theme:
        theme = self.themes.get(theme_id)
        if theme is not None:
            return theme
        if theme_id in seen:
            raise Conflict(
                "A theme you were working on has just been merged or deleted by another "
                "facilitator. The board now shows their change; make yours again if it is still "
                "needed."
            )
        raise NotFound("That theme is not on this workshop's board.")

    def _check_seen(self, involved: set[int], seen: Mapping[int, int]) -> None:
        """Conflict unless every theme the screen showed is as it showed it, and every theme
        the operation involves was on the screen as it is now."""
        for theme_id, version in sorted(seen.items()):
            theme = self.themes.get(theme_id)
            if theme is None:
                self._theme(theme_id, seen)  # raises the Conflict for a theme gone
            elif theme.version != version:
                raise Conflict(_changed_since(theme))
        for theme_id in sorted(involved - seen.keys()):
            raise Conflict(_changed_since(self.themes[theme_id]))

    def _one_kind(self, chosen: frozenset[int]) -> EntryKind:
        kinds = {self.entries[entry_id] for entry_id in chosen}
        if len(kinds) > 1:
            raise InputProblem(
                "A theme holds one kind of entry, and the entries you chose are about "
                f"{_and(ABOUT[kind] for kind in EntryKind if kind in kinds)}. "
                "Choose entries of one kind."
            )
        return kinds.pop()

    def _check_new_id(self, new_id: int) -> None:
        if new_id in self.themes:
            raise ValueError(f"theme {new_id} is already on the board")

    def _without(self, moving: frozenset[int]) -> dict[int, Theme]:
        """The themes with `moving` taken out of them (each theme that loses one is changed)."""
        themes = dict(self.themes)
        for theme_id in self._places_of(moving):
            theme = themes[theme_id]
            themes[theme_id] = _changed(theme, entry_ids=theme.entry_ids - moving)
        return themes


def _changed(
    theme: Theme,
    *,
    entry_ids: frozenset[int] | None = None,
    statement: str | None = None,
    condition_ids: frozenset[str] | None = None,
) -> Theme:
    """The theme with the changes made and its version raised."""
    return replace(
        theme,
        entry_ids=theme.entry_ids if entry_ids is None else entry_ids,
        statement=theme.statement if statement is None else statement,
        condition_ids=theme.condition_ids if condition_ids is None else condition_ids,
        version=theme.version + 1,
    )


def _changed_since(theme: Theme) -> str:
    return (
        f"Another facilitator has just changed {theme.name}. The board now shows their change; "
        "make yours again if it is still needed."
    )


def is_first_person(statement: str) -> bool:
    words = re.findall(r"[a-z]+", statement.lower())
    return any(word in FIRST_PERSON for word in words)


def _and(parts: Iterable[str]) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def themes_per_condition(themes: Iterable[Theme]) -> dict[str, int]:
    """How many of the themes point at each condition: the `themes` input of
    `domain.recommendations.recommend`."""
    counts: dict[str, int] = {}
    for theme in themes:
        for condition_id in theme.condition_ids:
            counts[condition_id] = counts.get(condition_id, 0) + 1
    return counts
