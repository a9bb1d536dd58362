"""A base for small value classes on the start-up path.

`tthc due` must answer in about a tenth of a second, and each @dataclass
compiles its generated methods when its module is imported (about 1.3 ms a
class on this machine; the core has a dozen). Classes here list their fields
in `__slots__` and write `__init__` by hand; equality, hashing, `repr` and
`replace` come from this base.
"""

from __future__ import annotations


class Value:
    """Fields are the `__slots__` of the subclass; instances are treated as immutable."""

    __slots__ = ()

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._fields()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({inner})"

    def replace(self, **changes):
        """A copy with some fields changed; fields derived from others (`_derive`) are derived again."""
        new = object.__new__(type(self))
        for name in self.__slots__:
            object.__setattr__(new, name, changes.get(name, getattr(self, name)))
        new._derive()
        return new

    def _derive(self) -> None:
        """Set the fields computed from the others; a class with such fields overrides it and calls it in
        `__init__`, so a value made either way holds the same."""
