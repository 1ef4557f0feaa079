"""Objects that are their own context manager: ``with`` gives the object and closes it."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

__all__ = ["Closing"]


class Closing(abc.ABC):
    """A mixin for a class with a :meth:`close`: ``with obj as same:`` gives ``obj`` itself
    and calls ``close()`` when the block ends, whether or not it raised (an exception is not
    suppressed)."""

    __slots__ = ()

    @abc.abstractmethod
    def close(self) -> None:
        """Release what the object holds."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
