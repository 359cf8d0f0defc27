"""The page frame shared by the manager's pages, and small building blocks."""

from __future__ import annotations

import reflex as rx

from culturetool.ui import routes
from culturetool.ui.session import SessionState

APP_NAME = "culturetool"


def _person_bar() -> rx.Component:
    return rx.cond(
        SessionState.person_name != "",
        rx.el.nav(
            rx.link("Teams", href=routes.HOME),
            rx.cond(SessionState.sees_county, rx.link("County", href=routes.COUNTY)),
            rx.cond(SessionState.sees_workshops, rx.link("Workshops", href=routes.WORKSHOPS)),
            rx.cond(SessionState.opens_periods, rx.link("Periods", href=routes.PERIODS)),
            rx.cond(
                SessionState.is_admin,
                rx.fragment(
                    rx.link("People", href=routes.PEOPLE),
                    rx.link("Settings", href=routes.SETTINGS),
                    rx.link("Audit log", href=routes.AUDIT),
                ),
            ),
            rx.link("Your account", href=routes.ACCOUNT),
            rx.text(
                f"{SessionState.person_name} ({SessionState.role_title})",
                as_="span",
                class_name="person",
            ),
            # A native form: the server ends the session and clears the HttpOnly cookie.
            rx.el.form(
                rx.button("Sign out", type="submit", size="1", variant="surface"),
                action="/auth/sign-out",
                method="post",
                on_submit=None,
                class_name="sign-out",
            ),
            aria_label="Main",
            class_name="person-bar",
        ),
    )


def page_frame(*children: rx.Component, title: str = "") -> rx.Component:
    """A staff page. If the server refused the page's data, only the refusal is shown."""
    return rx.box(
        rx.el.a("Skip to main content", href="#main", class_name="skip-link"),
        rx.el.header(
            rx.hstack(
                rx.link(APP_NAME, href=routes.HOME, class_name="brand"),
                rx.text("Digital culture in adult social care", class_name="tagline"),
                _person_bar(),
                align="center",
                spacing="4",
                wrap="wrap",
            ),
            class_name="site-header",
        ),
        rx.el.main(
            rx.cond(
                SessionState.denied != "",
                rx.vstack(
                    rx.heading("You do not have access to this page", as_="h1", size="7"),
                    rx.text(SessionState.denied),
                    rx.link("Back to your teams", href=routes.HOME),
                ),
                rx.fragment(
                    rx.cond(
                        title != "", rx.heading(title, as_="h1", size="7", class_name="page-title")
                    ),
                    *children,
                ),
            ),
            id="main",
            class_name="page",
            # Busy until the page's data has arrived (Reflex sets is_hydrated after on_load),
            # so a screen reader waits for it rather than reading a half-drawn page.
            aria_busy=~rx.State.is_hydrated,
        ),
    )


def notice(message: rx.Var | str, tone: str = "error") -> rx.Component:
    """A message read out by screen readers as soon as it appears."""
    return rx.el.p(message, role="alert", class_name=f"notice notice-{tone}")


def shown_if(condition: rx.Var, component: rx.Component) -> rx.Component:
    return rx.cond(condition, component, rx.fragment())


CELL_TAGS = ("Table.Cell", "Table.RowHeaderCell")


def _labelled_cells(row: rx.Component, headers: list[str]) -> rx.Component:
    """Each cell carries its column's name, which a phone shows above it when rows stack."""
    for cell, header in zip(row.children, headers, strict=False):
        if getattr(cell, "tag", None) not in CELL_TAGS:
            break  # a cell drawn only sometimes: the names after it would not line up
        if header:
            cell.custom_attrs["data-label"] = header
    return row


def data_table(
    headers: list[str], rows: rx.Var, render_row, stack_on_phone: bool = True, **props
) -> rx.Component:
    """A table with a header row and one body row per item of a list var. On a phone each row
    becomes a card of its cells, each under its column's name, so nothing scrolls sideways."""
    classes = [props.pop("class_name", ""), "stack-on-phone" if stack_on_phone else ""]
    return rx.table.root(
        rx.table.header(rx.table.row(*(rx.table.column_header_cell(header) for header in headers))),
        rx.table.body(rx.foreach(rows, lambda item: _labelled_cells(render_row(item), headers))),
        width="100%",
        class_name=" ".join(c for c in classes if c),
        **props,
    )


def field(label: str, control: rx.Component) -> rx.Component:
    """A label above its control; the control's id must be the label's `html_for`."""
    return rx.el.div(rx.el.label(label, html_for=control.id), control, class_name="field")


def link_box(id: str, link: rx.Var) -> rx.Component:
    """A link to hand on, in a box that can be selected and copied but not edited."""
    return rx.el.input(id=id, value=link, read_only=True, class_name="text-input share-link")


def text_field(label: str, name: str, kind: str = "text", max_length: int = 120, **props):
    """A required text input with its label; every text input has a length limit."""
    return field(
        label,
        rx.el.input(
            id=name, name=name, type=kind, required=True, max_length=max_length,
            class_name="text-input", **props,
        ),
    )  # fmt: skip


def not_found(heading: str, sentence: str) -> rx.Component:
    """What a page shows in place of its data when there is none at its address."""
    return rx.vstack(
        rx.heading(heading, as_="h1", size="7"),
        rx.text(sentence),
        rx.link("Back to all teams", href=routes.HOME),
    )


def loading_or_not_found(found: rx.Var | bool, loading: str, heading: str, sentence: str):
    """Before a page's data arrives: a loading line while it may still come, else not found."""
    return rx.cond(found, rx.text(loading), not_found(heading, sentence))


def radio_choice(name: str, value: str, label: str, chosen_first: bool, **props):
    """One choice of a radio group, inside its label so the words are part of the target.
    `chosen_first` is whether the freshly drawn form shows it chosen."""
    return rx.el.label(
        rx.el.input(type="radio", name=name, value=value, default_checked=chosen_first, **props),
        " ",
        label,
        class_name="tick",
    )


def breadcrumb(last: rx.Component) -> rx.Component:
    """All teams › the page's parent, so people can always get back."""
    return rx.el.nav(
        rx.link("All teams", href=routes.HOME),
        rx.text(" › ", as_="span"),
        last,
        aria_label="Breadcrumb",
        class_name="breadcrumb",
    )
