"""What the cache files hold, in a form that only ever builds data when read: no pickle (which runs code).

Containers and scalars go through `marshal` as they are. Dates, tuples, sets, maps with any keys and
tthc's own value classes (deadline resolutions, occurrences, periods …) are written as tagged tuples and
rebuilt by `decode`, a value class only from the whitelist below and field by field (no constructor, no
method of the data runs). A file that decodes to anything else is refused: the caller treats it as a miss.
"""

from __future__ import annotations

import marshal
from datetime import date

_TAG = "\x1f"  # plan text never holds it (control characters are cleaned from plans)


class Undecodable(ValueError):
    """A cache file holding something the codec never writes."""


def _classes() -> dict:
    if not _CLASSES:
        from tthc_cli.core.deadline.model import Lag, Milestone, Occurrence, Period, Resolution

        _CLASSES.update({c.__name__: c for c in (Resolution, Occurrence, Milestone, Lag, Period)})
    return _CLASSES


_CLASSES: dict = {}
"""The whitelist, made on first use (importing the deadline model only when a cache is read or written)."""


def dumps(obj) -> bytes:
    return marshal.dumps(_encode(obj))


def encode_key(obj):
    """`obj` as the codec writes it, before marshal: nested tuples of numbers and text, as hashable as `obj`
    (a dict key in a file: found again without decoding every entry). TypeError for what it does not keep."""
    return _encode(obj)


def loads(data: bytes):
    try:
        tree = marshal.loads(data)
    except (EOFError, ValueError, TypeError) as exc:
        raise Undecodable(str(exc)) from None
    return _decode(tree, _classes())


def _encode(o):
    if o is None or isinstance(o, (bool, int, float, str, bytes)):
        return o
    if isinstance(o, date):
        if type(o) is not date:
            raise TypeError(f"{type(o).__name__} is not kept in the cache")
        return (_TAG + "d", o.toordinal())
    if isinstance(o, list):
        return [_encode(x) for x in o]
    if isinstance(o, tuple):
        return (_TAG + "t", *(_encode(x) for x in o))
    if isinstance(o, dict):
        if all(type(k) in (str, int) for k in o):
            return {k: _encode(v) for k, v in o.items()}
        return (_TAG + "m", [(_encode(k), _encode(v)) for k, v in o.items()])
    if isinstance(o, (set, frozenset)):
        return (_TAG + ("f" if isinstance(o, frozenset) else "s"), *(_encode(x) for x in o))
    if _classes().get(type(o).__name__) is type(o):
        return (_TAG + "v", type(o).__name__, *(_encode(getattr(o, name)) for name in type(o).__slots__))
    raise TypeError(f"{type(o).__name__} is not kept in the cache")


def _decode(o, classes):
    if o is None or isinstance(o, (bool, int, float, str, bytes)):
        return o
    if isinstance(o, list):
        return [_decode(x, classes) for x in o]
    if isinstance(o, dict):
        return {k: _decode(v, classes) for k, v in o.items()}
    if not (isinstance(o, tuple) and o and isinstance(o[0], str) and o[0][:1] == _TAG):
        raise Undecodable(f"unexpected {type(o).__name__}")
    tag, rest = o[0][1:], o[1:]
    if tag == "t":
        return tuple(_decode(x, classes) for x in rest)
    if tag == "d" and len(rest) == 1 and type(rest[0]) is int:
        try:
            return date.fromordinal(rest[0])
        except (ValueError, OverflowError):
            raise Undecodable("not a day") from None
    if tag == "m" and len(rest) == 1 and isinstance(rest[0], list):
        return {_decode(k, classes): _decode(v, classes) for k, v in rest[0]}
    if tag in ("f", "s"):
        items = [_decode(x, classes) for x in rest]
        return frozenset(items) if tag == "f" else set(items)
    if tag == "v" and rest and rest[0] in classes:
        cls = classes[rest[0]]
        if len(rest) - 1 != len(cls.__slots__):
            raise Undecodable(f"{rest[0]} with other fields")
        obj = object.__new__(cls)
        for name, value in zip(cls.__slots__, rest[1:]):
            object.__setattr__(obj, name, _decode(value, classes))
        return obj
    raise Undecodable(f"unknown tag {tag!r}")
