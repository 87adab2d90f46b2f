"""A bounded memo of what the returns of a form share (parts stored alike, a form's names, its
sheet's tail; per layout, what its files mostly hold): read once, kept while used."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any


class Recent:
    """A bounded memo: when full, the entry used longest ago goes. Its keys must hold everything
    the kept value depends on (see ``SafeZip.stored``); a value is never None."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._kept: dict[Any, Any] = {}  # in order of use, the oldest first

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Any) -> Any:
        """The value kept for ``key``, else None."""
        value = self._kept.pop(key, None)
        if value is not None:
            self._kept[key] = value  # used now: to the end of the order
        return value

    def keep(self, key: Any, value: Any) -> Any:
        kept = self._kept
        if len(kept) >= self.most:
            with contextlib.suppress(KeyError, RuntimeError):  # another thread took it first
                del kept[next(iter(kept))]
        kept[key] = value
        return value

    def kept(self, key: Any, make: Callable[[], Any]) -> Any:
        """The value kept for ``key``, else ``make()``, kept (a key of None: made, never kept,
        for what is too large to keep)."""
        value = None if key is None else self.get(key)
        if value is None:
            value = make()
            if key is not None:
                self.keep(key, value)
        return value

    def clear(self) -> None:
        self._kept.clear()
