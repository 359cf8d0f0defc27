"""A sliding-window limit on how often one sender may do something (pure: the caller says when).

Used in memory only: senders are kept as opaque keys the caller chose (salted hashes), and
nothing of them is ever stored or logged.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

# Past this many senders, expired ones are swept out so memory stays bounded.
SWEEP_AT = 10_000


@dataclass
class SlidingWindowLimit:
    """At most `limit` events per sender in any `window_seconds`."""

    limit: int
    window_seconds: float
    _events: dict[str, deque[float]] = field(default_factory=dict, repr=False)

    def _recent(self, sender: str, now: float) -> deque[float]:
        events = self._events.get(sender, deque())
        while events and events[0] <= now - self.window_seconds:
            events.popleft()
        return events

    def allows(self, sender: str, now: float) -> bool:
        """Whether one more event from this sender at `now` stays within the limit."""
        return len(self._recent(sender, now)) < self.limit

    def record(self, sender: str, now: float) -> None:
        """Count an event of this sender at `now`."""
        if len(self._events) >= SWEEP_AT:
            self.sweep(now)
        events = self._recent(sender, now)
        events.append(now)
        self._events[sender] = events

    def sweep(self, now: float) -> None:
        """Forget senders with no event inside the window."""
        for sender in [s for s in self._events if not self._recent(s, now)]:
            del self._events[sender]

    def senders(self) -> int:
        """How many senders are remembered (for tests of the sweep)."""
        return len(self._events)
