"""The innermost definition around a position, shared by the adapters."""

from __future__ import annotations

import bisect

__all__ = ["Scopes"]


class Scopes:
    """Definition spans ``(start byte, end byte, qualified name)``, sorted by start byte.

    ``innermost(byte)`` is the qualified name of the innermost definition around ``byte``
    (``""``: the module). Spans nest, so the latest-starting span that contains ``byte`` is it.
    """

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self._spans = sorted(spans, key=lambda s: (s[0], -s[1]))
        self._starts = [s[0] for s in self._spans]
        # The index of the span around each span (-1: the module). A span that ends before
        # ``byte`` holds no span that contains it, so the search climbs to the enclosing span
        # instead of stepping back over every earlier sibling and its children.
        self._outer: list[int] = []
        open_: list[int] = []
        for i, (start, _end, _qname) in enumerate(self._spans):
            while open_ and self._spans[open_[-1]][1] <= start:
                open_.pop()
            self._outer.append(open_[-1] if open_ else -1)
            open_.append(i)

    def innermost(self, byte: int) -> str:
        i = self._innermost(byte)
        return self._spans[i][2] if i >= 0 else ""

    def innermost_all(self, byte: int) -> tuple[str, ...]:
        """Every definition whose span is the innermost one around ``byte``: the names one
        declaration declares together (Go's ``From, To Point``) share its span; ``("",)``: the module."""
        i = self._innermost(byte)
        if i < 0:
            return ("",)
        span = self._spans[i][:2]
        first = i
        while first > 0 and self._spans[first - 1][:2] == span:
            first -= 1
        return tuple(s[2] for s in self._spans[first:i + 1])

    def _innermost(self, byte: int) -> int:
        i = bisect.bisect_right(self._starts, byte) - 1
        while i >= 0:
            start, end, _qname = self._spans[i]
            if start <= byte < end:
                return i
            i = self._outer[i]
        return -1
