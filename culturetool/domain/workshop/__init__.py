"""The pure rules of Working Together for Change workshops (issue 12): what a workshop collects,
how its theme board changes, how votes are counted and what each stage accepts. No Reflex, no
database: the store keeps what these values describe and the services apply these rules.

- `kinds`: the stages, entry kinds, channels, perspectives, plan viewpoints and voting states
  as StrEnums whose values are the stored words, with the plain words pages and messages show.
- `board`: the theme board, an immutable value whose operations return a new board or refuse
  with a message; every entry is in exactly one theme or unthemed, and each theme carries a
  version so that an edit made from a stale screen is refused (`Conflict`).
- `votes`: vote budgets, phone ballots, table votes recorded by a facilitator, the ranking.
- `stages`: root causes, success statements, actions, the collection link.
- `intake`: entries typed, pasted in bulk or imported from a spreadsheet's rows.
"""
