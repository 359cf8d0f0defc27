"""Errors the services raise for people to read: each message says what to do about it."""


class InputProblem(ValueError):
    """The input cannot be accepted as it is; the message says what to fix."""


class NotFound(LookupError):
    """The thing asked for does not exist (or the link is wrong)."""


class RoundClosed(Exception):
    """The assessment round has closed and takes no more answers. `period_note` says when, for
    a round whose assessment period is over (the round itself may still be open)."""

    def __init__(self, message: str = "This survey has closed.", period_note: str = "") -> None:
        super().__init__(message)
        self.period_note = period_note


class Unavailable(Exception):
    """The database cannot be reached just now (stopped, restarting, out of connections): the
    same request may succeed in a minute. The message names only the kind of error."""
