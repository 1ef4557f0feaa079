"""The fast path: structuring code generated from the model's attrs classes.

Reading a registry spends most of its time structuring child files, which are many and mostly
well formed. :func:`fast_structurer` writes, for an attrs class and every class it holds, one
plain Python function that reads a record (a ``dict``) field by field, as the class declares
them: the field's type says how its JSON value is checked and turned into the model's value
(with the same hooks as the strict converter, :mod:`careprotect.convert.hooks`), a field with
a default may be absent, no other key may be present, and the object is then made and checked
by the class's own validators, in the order ``attrs`` runs them. Nothing about a class is
written here: a field added to a model class is read at once, with its type and validators.

The fast path only accepts. Anything it does not take (a missing or unknown field, a wrong
type, a value a validator refuses, a reference it cannot vouch for) makes it raise, and the
caller structures the record again with the strict converter, whose problems and paths are the
ones reported. It never decides that a record is bad, so the messages stay those of the strict
path.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Container, Mapping
from typing import Any, get_args, get_origin

import attrs

from careprotect.citizen_id import CitizenId
from careprotect.convert.hooks import DATES, SCALARS, VALUE_HOOKS, enum_members, structure_date
from careprotect.convert.strict import make_converter
from careprotect.divisions import Division
from careprotect.model import Child
from careprotect.model.references import REFERS_TO

__all__ = ["FastPathDeclined", "fast_child_structurer", "fast_structurer"]

_CACHE_SIZE = 4096
"""Entries kept per cache of the fast path (divisions, sets); then it restarts."""


class FastPathDeclined(Exception):  # noqa: N818 - not an error: the strict path takes over
    """The fast path does not take a record; the strict converter must structure it."""


class _Memo:
    """``hook`` remembered by its JSON value, a string or a tuple of strings (the codes of a
    village's children, a few lists of topics): a JSON value equal to a key is that string
    (or a tuple of them), so a hit is what ``hook`` would give. The generated code calls
    :meth:`get`, then :meth:`add` on a miss."""

    def __init__(self, hook: Callable[[Any], Any]) -> None:
        self._hook = hook
        self._cache: dict[Any, Any] = {}
        self.get = self._cache.get

    def add(self, value: Any) -> Any:
        """``hook(value)``, remembered."""
        found = self._hook(value)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[value] = found
        return found


def _division(value: Any) -> Division:
    if value.__class__ is not str:
        raise FastPathDeclined
    return Division(value)


def _citizen_id(value: Any) -> CitizenId:
    """A citizen ID as written: one the strict path would normalise (full-width digits,
    spaces, a lower-case x) is declined, so that the reader notes the normalisation."""
    citizen_id = CitizenId(value)
    if citizen_id.reveal() != value:
        raise FastPathDeclined
    return citizen_id


def _new_date(value: Any) -> dt.date:
    return structure_date(value)


class _Writer:
    """Writes the functions that structure one attrs class and the classes it holds."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "Declined": FastPathDeclined,
            "missing": _MISSING,
            "new": object.__new__,
            "dates_get": DATES.get,
            "new_date": _new_date,
        }
        self._names: dict[Any, str] = {}
        self._records: dict[type, str] = {}
        self._lists: dict[type, str] = {}
        self.source: list[str] = []
        # What each structurer has its own of (the ids it knows, its memos), by the names
        # the code gives them: made from the references and the structurer's namespace.
        self.own: list[tuple[tuple[str, ...], Callable[[_References, dict[str, Any]], Any]]] = []

    def own_names(
        self, hints: tuple[str, ...], make: Callable[[_References, dict[str, Any]], Any]
    ) -> tuple[str, ...]:
        """Names for values each structurer makes its own of: ``make(references,
        namespace)`` gives them, one for each of ``hints``."""
        names = tuple(f"{hint}_{len(self._names)}_{len(self.own)}" for hint in hints)
        self.own.append((names, make))
        return names

    def memo(
        self, hook: Callable[[Any, dict[str, Any]], Any], var: str, key: str, indent: str
    ) -> list[str]:
        """Lines that leave in ``var`` what ``hook(key, namespace)`` gives, remembered by
        ``key`` in a :class:`_Memo` of each structurer's own."""

        def make(_: _References, namespace: dict[str, Any]) -> tuple[Any, Any]:
            memo = _Memo(lambda value: hook(value, namespace))
            return memo.get, memo.add

        get, add = self.own_names(("memo_get", "memo_add"), make)
        return [
            f"{indent}found = {get}({key})",
            f"{indent}{var} = {add}({key}) if found is None else found",
        ]

    def name(self, value: Any, hint: str) -> str:
        """The name under which ``value`` is in the generated code's namespace."""
        key = (hint, id(value))
        if key not in self._names:
            name = f"{hint}_{len(self._names)}"
            self._names[key] = name
            self.namespace[name] = value
        return self._names[key]

    def record(self, cls: type) -> str:
        """The name of the function that structures a record of ``cls``."""
        if cls not in self._records:
            name = self._records[cls] = f"structure_{cls.__name__}_{len(self._records)}"
            body = self._body(cls, "    ")
            if body is None:  # not a plain record: the strict path reads it
                self.namespace[name] = _decline
            else:
                self.source += [f"def {name}(data):", *body, "    return o", ""]
        return self._records[cls]

    def records(self, cls: type) -> str:
        """The name of the function that structures a list of records of ``cls`` (a list,
        checked by the caller) as a tuple: one loop, not a call for each record."""
        if cls not in self._lists:
            name = self._lists[cls] = f"structure_{cls.__name__}_list_{len(self._lists)}"
            body = self._body(cls, "        ", in_loop=True)
            if body is None:
                self.namespace[name] = _decline
            else:
                loop = ["    out = []", "    append = out.append"]
                loop += [f"    last_{a.name} = missing" for a in _repeatable(cls)]
                loop.append("    for data in items:")
                end = ["        append(o)", "    return tuple(out)", ""]
                self.source += [f"def {name}(items):", *loop, *body, *end]
        return self._lists[cls]

    def _body(self, cls: type, indent: str, *, in_loop: bool = False) -> list[str] | None:
        """Lines that structure the record in ``data`` as an object of ``cls``, left in
        ``o``; None when ``cls`` is no plain record (a field not set by ``__init__``, an
        alias, an init hook). ``in_loop``: the lines run for each record of a list, and a
        field of :func:`_repeatable` whose JSON value equals the last record's (in
        ``last_<field>``) takes the last record's value without reading it again."""
        attrs.resolve_types(cls)
        fields = attrs.fields(cls)
        hooks = ("__attrs_pre_init__", "__attrs_post_init__")
        if any(not a.init or a.alias != a.name for a in fields) or any(
            hasattr(cls, h) for h in hooks
        ):
            return None
        optional = [a for a in fields if a.default is not attrs.NOTHING]
        get = "get" if len(optional) > 1 else "data.get"
        body = [
            f"{indent}if data.__class__ is not dict:",
            f"{indent}    raise Declined",
            f"{indent}read = {len(fields) - len(optional)}",
        ]
        if get == "get":
            body.append(f"{indent}get = data.get")
        repeatable = _repeatable(cls) if in_loop else ()
        for a in fields:
            var, refers = f"f_{a.name}", a.metadata.get(REFERS_TO)
            if a.default is attrs.NOTHING:
                body.append(f"{indent}{var} = data[{a.name!r}]")
                body += self._field(a, indent, refers, repeated=a in repeatable)
            else:
                body += [
                    f"{indent}{var} = {get}({a.name!r}, missing)",
                    f"{indent}if {var} is missing:",
                    f"{indent}    {var} = {self._default(a)}",
                    f"{indent}else:",
                    f"{indent}    read += 1",
                    *self._field(a, indent + "    ", refers, repeated=a in repeatable),
                ]
        body += [
            f"{indent}if len(data) != read:",
            f"{indent}    raise Declined",
            f"{indent}o = new({self.name(cls, 'cls')})",
        ]
        # As attrs' __init__: each value converted and set, then each validator run.
        for a in fields:
            var = f"f_{a.name}"
            if a.converter is not None:
                body.append(f"{indent}{var} = {self.name(a.converter, 'convert')}({var})")
            body.append(f"{indent}{self.name(getattr(cls, a.name).__set__, 'set')}(o, {var})")
        for a in fields:
            if a.validator is not None:
                validator, field = self.name(a.validator, "check"), self.name(a, "field")
                body.append(f"{indent}{validator}(o, {field}, f_{a.name})")
        return body

    def _field(
        self, a: attrs.Attribute[Any], indent: str, refers: str | None, *, repeated: bool
    ) -> list[str]:
        """Lines that read field ``a``'s JSON value in ``f_<name>``; when ``repeated``, only
        if it differs from the last record's (kept with its value in ``last_<name>`` and
        ``value_<name>``)."""
        var = f"f_{a.name}"
        if not repeated:
            return self.value(a.type, var, indent, refers)
        last, kept = f"last_{a.name}", f"value_{a.name}"
        return [
            f"{indent}if {var} != {last}:",
            f"{indent}    {last} = {var}",
            *self.value(a.type, var, indent + "    ", refers),
            f"{indent}    {kept} = {var}",
            f"{indent}else:",
            f"{indent}    {var} = {kept}",
        ]

    def _default(self, a: attrs.Attribute[Any]) -> str:
        default: Any = a.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                return f"{self.name(_decline, 'decline')}(None)"
            return f"{self.name(default.factory, 'factory')}()"
        return self.name(default, "default")

    def value(self, t: Any, var: str, indent: str, refers_to: str | None = None) -> list[str]:
        """Lines that check the JSON value in ``var`` as a value of type ``t`` (declining
        it otherwise) and leave the model's value in ``var``."""
        origin, args = get_origin(t), get_args(t)
        if origin in (types.UnionType, typing.Union) and type(None) in args and len(args) == 2:
            inner = next(arg for arg in args if arg is not type(None))
            return [
                f"{indent}if {var} is not None:",
                *self.value(inner, var, indent + "    ", refers_to),
            ]
        lines: list[str]
        if t in SCALARS:
            test = SCALARS[t].accepts.format(v=var)
            lines = [f"{indent}if not ({test}):", f"{indent}    raise Declined"]
        elif t is dt.date:
            lines = [f"{indent}{var} = dates_get({var}) or new_date({var})"]
        elif isinstance(t, type) and issubclass(t, enum.Enum):
            lines = [f"{indent}{var} = {self.name(enum_members(t)[0], 'members')}[{var}]"]
        elif t is Division:
            lines = self.memo(lambda value, _: _division(value), var, var, indent)
        elif t is CitizenId:
            lines = [f"{indent}{var} = {self.name(_citizen_id, 'citizen_id')}({var})"]
        elif _is_record(t):
            lines = [f"{indent}{var} = {self.record(t)}({var})"]
        elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            if _is_record(args[0]):
                convert = f"{self.records(args[0])}({var})"
            else:
                convert = f"tuple([{self._item(args[0])}(v) for v in {var}])"
            lines = [
                f"{indent}if {var}.__class__ is not list:",
                f"{indent}    raise Declined",
                f"{indent}{var} = {convert}",
            ]
        elif origin is frozenset and len(args) == 1:
            item = self._item(args[0])  # a function of the namespace, once the code has run
            lines = [
                f"{indent}if {var}.__class__ is not list:",
                f"{indent}    raise Declined",
                *self.memo(
                    lambda key, namespace: frozenset(map(namespace[item], key)),
                    var,
                    f"tuple({var})",
                    indent,
                ),
            ]
        else:  # any other type: the strict converter's own hook
            hook = make_converter().get_structure_hook(t)
            lines = [f"{indent}{var} = {self.name(hook, 'strict')}({var}, {self.name(t, 'type')})"]
        if refers_to is not None:
            kind = refers_to
            (known,) = self.own_names(
                ("known",), lambda references, _: (references.get(kind, frozenset()),)
            )
            lines += [f"{indent}if {var} not in {known}:", f"{indent}    raise Declined"]
        return lines

    def _item(self, t: Any) -> str:
        """The name of a function that structures one item of a list of ``t``."""
        if _is_record(t):
            return self.record(t)
        name = f"item_{len(self.source)}_{len(self._names)}"
        self.source += [f"def {name}(v):", *self.value(t, "v", "    "), "    return v", ""]
        return name


def _repeatable(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """The fields of ``cls`` whose accepted JSON value is a string, null, or a list of them,
    so that a JSON value equal to an accepted one is that value (a number would not do:
    ``true == 1``): a record of a list whose value equals the last record's takes the last
    record's model value. Dates differ from record to record and are read each time."""
    return tuple(a for a in attrs.fields(cls) if a.type is not dt.date and _textual(a.type))


def _textual(t: Any) -> bool:
    """Whether every JSON value of type ``t`` is a string, null, or a list of them."""
    origin, args = get_origin(t), get_args(t)
    if origin in (types.UnionType, typing.Union):
        return all(arg is type(None) or _textual(arg) for arg in args)
    if origin in (tuple, frozenset):
        return all(arg is Ellipsis or _textual(arg) for arg in args)
    return t in (str, dt.date, Division, CitizenId) or (
        isinstance(t, type) and issubclass(t, enum.StrEnum)
    )


def _is_record(t: Any) -> bool:
    """Whether ``t`` is read from a JSON object: an attrs class that is no value type."""
    return attrs.has(t) and t not in VALUE_HOOKS


def _decline(_: Any) -> Any:
    raise FastPathDeclined


_MISSING: Any = object()

_References = Mapping[str, Container[str]]


def fast_structurer(
    cls: type[Any], references: Mapping[str, Container[str]] | None = None
) -> Callable[[Any], Any]:
    """A function that structures a record of the attrs class ``cls`` (a ``dict``) well formed
    in every respect, as the strict converter would, or raises (:class:`FastPathDeclined` or
    any other exception) for the strict converter to structure it instead.

    ``references`` holds, for each kind a field may refer to (its metadata
    :data:`~careprotect.model.references.REFERS_TO`, such as ``"worker"``), the ids it may
    take: a record with any other id is declined. A kind not given takes no id.
    The function's caches are its own: it serves one thread.
    """
    code, shared, own, name = _written(cls)
    namespace = dict(shared)
    for names, make in own:
        namespace.update(zip(names, make(references or {}, namespace), strict=True))
    exec(code, namespace)
    structure: Callable[[Any], Any] = namespace[name]
    return structure


_Written = tuple[types.CodeType, dict[str, Any], list[tuple[tuple[str, ...], Any]], str]
_WRITTEN: dict[type, _Written] = {}


def _written(cls: type) -> _Written:
    """The code written for ``cls``, compiled (once: writing and compiling take some 20 ms),
    the namespace its structurers share, how each makes its own values, and the name of the
    function that structures a record of ``cls``."""
    if cls not in _WRITTEN:
        writer = _Writer()
        name = writer.record(cls)
        source = "\n".join(writer.source)
        code = compile(source, f"<careprotect fast path {cls.__name__}>", "exec")
        _WRITTEN[cls] = (code, writer.namespace, writer.own, name)
    return _WRITTEN[cls]


def fast_child_structurer(
    workers: Container[str], service_points: Container[str]
) -> Callable[[Any], Child]:
    """:func:`fast_structurer` for a child file of a registry whose accepted workers and
    service points have the ids ``workers`` and ``service_points``: a child file that refers
    to any other is declined, so a child file this function returns also passes the
    reader's reference checks. A child file's contacts are built as they are read
    (docs/performance.md says why).
    """
    structure: Callable[[Any], Child] = fast_structurer(
        Child, {"worker": workers, "service_point": service_points}
    )
    return structure
