"""The JSON converter: plain data (``dict``/``list``/``str``/numbers) to model objects and back.

:func:`make_converter` returns a new configured :class:`cattrs.Converter` each call; there is
no module-level converter. Structuring is strict: a string is not a number, a number is not a
string, ``"yes"`` is not a boolean, a date is ``YYYY-MM-DD`` and real, an unknown field is an
error. Every failure can be turned into :class:`FieldProblem` records, each with a JSON path
relative to the record (``$.guardianships[1].relation``) and a message, by
:func:`structure_problems`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
from collections.abc import Callable, Container, Iterable
from decimal import Decimal
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from careprotect import model
from careprotect.citizen_id import _EARLIEST_BIRTH_YEAR, ADDRESS_PREFIXES, CitizenId
from careprotect.citizen_id import _check as _citizen_id_check
from careprotect.citizen_id import _today as _citizen_id_today
from careprotect.citizen_id import _trusted as _trusted_citizen_id
from careprotect.divisions import Division, Level
from careprotect.enums import (
    AgreementKind,
    ContactMode,
    DisabilityKind,
    DisqualificationKind,
    HardshipKind,
    HouseholdType,
    NoticeRecipient,
    Parent,
    ParentSituationKind,
    ReferralTarget,
    Relation,
    ReportConcern,
    ResidenceKind,
    Sex,
    Topic,
)
from careprotect.errors import InvalidValueError
from careprotect.masking import describe, mask_name, scrub
from careprotect.model._base import Deferred
from careprotect.model.child import (
    DEPRIVATIONS,
    DISABILITY_GRADES,
    Agreement,
    Child,
    Contact,
    Disability,
    Disqualification,
    Enrolment,
    EntrustmentNotice,
    Guardianship,
    Hardship,
    Pairing,
    ParentContact,
    ParentSituation,
    Referral,
    Report,
    Residence,
)

__all__ = ["FieldProblem", "describe_value", "make_converter", "structure_problems"]

_CITIZEN_ID_EARLIEST_YEAR = str(_EARLIEST_BIRTH_YEAR)


@attrs.frozen
class FieldProblem:
    """One thing wrong in an input record: where (a JSON path) and what.

    Both texts are passed through :func:`~careprotect.masking.scrub` when the problem is made,
    so a run of digits that could be an ID number is masked whatever built the message.
    """

    path: str = attrs.field(converter=scrub)
    message: str = attrs.field(converter=scrub)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def describe_value(value: Any) -> str:
    """A short description of a bad input value, safe to print.

    A string as :func:`~careprotect.masking.quote` shows it: quoted when it looks like a
    code, a date or a number, with any ID number in it masked; anything else (a Chinese
    string, a string with a space, either of which may be a name; a long string) is
    described by its length only, so an error message never carries personal data.
    """
    return describe(value)


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise InvalidValueError(f"must be a string (got {describe_value(value)})")
    if "\x00" in value:
        raise InvalidValueError("must not contain a NUL character")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(f"must be a whole number (got {describe_value(value)})")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise InvalidValueError(f"must be true or false (got {describe_value(value)})")
    return value


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidValueError(f"must be a number (got {describe_value(value)})")
    # A float is taken as the decimal it was written as ("50.5"), never its binary value.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise InvalidValueError(f"must be a finite number (got {describe_value(value)})")
    return number


# The dates read lately, by their text: the records of a registry share a few thousand days
# (birth dates span eighteen years, some 6 600 days, and contacts a year or so), and a day
# read again is the same object (a date is immutable), not another 32 bytes. The cache holds
# all of them: at 4 096 it was cleared every few hundred child files, and each contact's day
# was parsed again.
_DATES: dict[str, dt.date] = {}
_DATE_CACHE_SIZE = 1 << 15


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        day = _DATES.get(value)
        if day is not None:
            return day
        with contextlib.suppress(ValueError):  # 2019-02-30 falls through to the message
            day = dt.date.fromisoformat(value)
            if len(_DATES) >= _DATE_CACHE_SIZE:
                _DATES.clear()
            _DATES[value] = day
            return day
    raise InvalidValueError(f"must be a real date YYYY-MM-DD (got {describe_value(value)})")


def _structure_division(value: Any, _: type) -> Division:
    return Division(value)


def _structure_citizen_id(value: Any, _: type) -> CitizenId:
    return CitizenId(value)


@functools.cache
def _enum_members(cls: type[enum.Enum]) -> tuple[dict[Any, enum.Enum], str]:
    members = {m.value: m for m in cls}
    return members, ", ".join(str(v) for v in members)


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    members, allowed = _enum_members(cls)
    try:
        return members[value]
    except (KeyError, TypeError):
        raise InvalidValueError(f"must be one of {allowed} (got {describe_value(value)})") from None


def _is_exactly(expected: type) -> Callable[[Any], bool]:
    return lambda t: t is expected


def _is_homogeneous_collection(t: Any) -> bool:
    origin = get_origin(t)
    if origin is tuple:
        args = get_args(t)
        return len(args) == 2 and args[1] is Ellipsis
    return origin is frozenset


def _collection_hook(
    converter: cattrs.Converter,
) -> Callable[[Any], Callable[[Any, type], Any]]:
    def factory(t: Any) -> Callable[[Any, type], Any]:
        element_type = get_args(t)[0]
        container: Callable[[Iterable[Any]], Any] = get_origin(t)
        element_hook = converter.get_structure_hook(element_type)

        def structure(value: Any, _: type) -> Any:
            if not isinstance(value, list | tuple):
                raise InvalidValueError(f"must be a list (got {describe_value(value)})")
            items = []
            errors: list[Exception] = []
            for index, item in enumerate(value):
                try:
                    items.append(element_hook(item, element_type))
                except Exception as exc:
                    exc.__notes__ = [
                        *getattr(exc, "__notes__", []),
                        IterableValidationNote(f"@ index {index}", index, element_type),
                    ]
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {t!r}", errors, t)
            return container(items)

        return structure

    return factory


def _record_hook(
    converter: cattrs.Converter,
) -> Callable[[Any], Callable[[Any, type], Any]]:
    def factory(t: Any) -> Callable[[Any, type], Any]:
        generated = make_dict_structure_fn(t, converter)

        def structure(value: Any, _: type) -> Any:
            if not isinstance(value, dict):
                raise InvalidValueError(f"must be an object (got {describe_value(value)})")
            try:
                return generated(value, t)
            except ClassValidationError as exc:
                _mask_extra_keys(exc)
                raise

        return structure

    return factory


def _mask_extra_keys(exc: ClassValidationError) -> None:
    """Mask the unknown keys in the text and ``repr`` of each of ``exc``'s
    ForbiddenExtraKeysError (cattrs lists them): a key that is not a field name may be a name
    or an ID number. Their ``extra_fields`` keep the keys, for :func:`structure_problems`."""
    for sub in exc.exceptions:
        if isinstance(sub, ForbiddenExtraKeysError):
            keys = {k if path_key(k) != "*" else describe_key(k) for k in sub.extra_fields}
            sub.message = f"Extra fields in constructor for {sub.cl.__name__}: "
            sub.message += ", ".join(sorted(keys))
            sub.args = (sub.message, sub.cl, keys)


def _is_frozenset(t: Any) -> bool:
    return t is frozenset or get_origin(t) is frozenset


def _unstructure_frozenset(value: frozenset[Any]) -> list[Any]:
    return sorted(v.value if isinstance(v, enum.Enum) else v for v in value)


def make_converter() -> cattrs.Converter:
    """A new converter configured for careprotect's model and JSON format.

    Structuring is strict and reports every problem of a record at once (cattrs' detailed
    validation); turn its exception into paths and messages with :func:`structure_problems`.
    Unstructuring gives JSON-ready data (dates as ISO strings, divisions and citizen IDs as
    their full codes, sets as sorted lists) except that amounts stay :class:`~decimal.Decimal`
    so that no value passes through binary floating point; omit fields equal to their default.
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True, detailed_validation=True, omit_if_default=True
    )
    # cattrs tries singledispatch hooks (by class, most specific in the MRO first) before
    # predicate hooks, and among predicate hooks the one registered last first.
    converter.register_structure_hook_factory(attrs.has, _record_hook(converter))
    converter.register_structure_hook_factory(
        _is_homogeneous_collection, _collection_hook(converter)
    )
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    # StrEnum and IntEnum come before str and int in their members' MRO, so enums reach the
    # enum hook rather than the plain str or int one.
    for enum_base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_structure_hook(enum_base, _structure_enum)
    # Predicate hooks matched by identity, registered last: Division is an attrs class and
    # must not reach the record hook.
    exact: dict[type, Callable[[Any, type], Any]] = {
        Decimal: _structure_decimal,
        dt.date: _structure_date,
        Division: _structure_division,
        CitizenId: _structure_citizen_id,
    }
    for exact_type, hook in exact.items():
        converter.register_structure_hook_func(_is_exactly(exact_type), hook)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_unstructure_hook(Decimal, lambda d: d)
    converter.register_unstructure_hook(Division, str)
    converter.register_unstructure_hook(CitizenId, CitizenId.reveal)
    converter.register_unstructure_hook_func(_is_frozenset, _unstructure_frozenset)
    return converter


@functools.cache
def field_names() -> frozenset[str]:
    """Every field name of the model's classes, and ``record`` (the kind of a JSON Lines
    record): the keys a registry may use."""
    classes = (getattr(model, name) for name in model.__all__)
    return frozenset(
        {"record", *(a.name for cls in classes if attrs.has(cls) for a in attrs.fields(cls))}
    )


def path_key(key: str) -> str:
    """``key`` as a step of a JSON path in a message: itself when it is a field name of the
    model (:func:`field_names`), else ``*``. Any other key may be a name or an ID number."""
    return key if key in field_names() else "*"


def describe_key(key: str) -> str:
    """A key that is not a field name, as a message shows it: masked, as a name is
    (:func:`~careprotect.masking.mask_name`), or as an ID number is when it holds one; a key
    that is not short ASCII text is described by its length."""
    scrubbed = scrub(key)
    if scrubbed != key:
        return repr(scrubbed)
    if key.isascii() and len(key) <= 32:
        return repr(mask_name(key))
    return f"a string of {len(key)} characters"


def structure_problems(exc: BaseException, path: str = "$") -> list[FieldProblem]:
    """Every problem inside a structuring exception, each with its JSON path."""
    problems: list[FieldProblem] = []
    _walk(exc, path, problems)
    return problems


def _walk(exc: BaseException, path: str, out: list[FieldProblem]) -> None:
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            _walk(sub, f"{path}[{note.index}]", out)
        for sub in without:
            _walk(sub, path, out)
    elif isinstance(exc, ClassValidationError):
        attribute_notes, unattributed = exc.group_exceptions()
        for sub, attribute_note in attribute_notes:
            _walk(sub, f"{path}.{attribute_note.name}", out)
        for sub in unattributed:
            _walk(sub, path, out)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for name in sorted(exc.extra_fields):
            key = path_key(name)
            message = f"is not a field of {exc.cl.__name__}"
            if key == "*":
                message += f" (an unknown key: {describe_key(name)})"
            out.append(FieldProblem(f"{path}.{key}", message))
    elif isinstance(exc, InvalidValueError):
        where = f"{path}.{exc.field}" if exc.field else path
        out.append(FieldProblem(where, exc.problem))
    elif isinstance(exc, KeyError):
        out.append(FieldProblem(path, "is required"))
    else:
        out.append(FieldProblem(path, f"is not valid ({type(exc).__name__})"))


# -- the fast path ----------------------------------------------------------------------------
#
# Reading a registry spends most of its time structuring child files, which are many and
# mostly well formed. `fast_child_structurer` structures a child file in straight-line code
# with cheap checks and caches, and builds the model objects without running their
# validators again. It takes only what the strict converter accepts, and gives an equal
# object; anything else (a missing or unknown field, a wrong type, a value a validator would
# refuse, a reference it cannot vouch for) makes it raise, and the caller then structures the
# record with the strict converter, whose problems and paths are the ones reported. It never
# decides that a record is bad, so the messages stay those of the strict path.

_CACHE_SIZE = 4096
"""Entries kept per cache of the fast path (dates, divisions, topic sets); then it restarts."""

# The fields of each class the fast path builds, in the order its builders take them. The
# builders check them against the classes, so a field added, removed or moved fails loudly
# until the fast path is brought up to date (its checks must mirror every validator, too).
_FAST_FIELDS: dict[type, tuple[str, ...]] = {
    Child: (
        "id",
        "name",
        "birth_date",
        "sex",
        "division",
        "household",
        "citizen_id",
        "disability",
        "parent_situations",
        "guardianships",
        "residences",
        "hardships",
        "enrolments",
        "pairings",
        "contacts",
        "agreements",
        "reports",
        "referrals",
        "parent_contacts",
        "entrustment_notices",
    ),
    Disability: ("kind", "grade", "certified_on"),
    ParentSituation: ("parent", "kind", "start", "end", "term_months", "disability"),
    Guardianship: (
        "guardian",
        "relation",
        "start",
        "end",
        "entrusted",
        "confirmation_signed_on",
        "disqualifications",
    ),
    Disqualification: ("kind", "start", "end"),
    Residence: ("kind", "start", "end", "institution"),
    Hardship: ("kind", "start", "end"),
    Enrolment: ("programme", "start", "end"),
    Pairing: ("worker", "scheme", "start", "end"),
    Contact: ("date", "worker", "mode", "topics"),
    Agreement: ("kind", "signed_on", "service_point", "end"),
    Report: ("date", "concern", "to", "worker"),
    Referral: ("date", "target", "worker", "reason"),
    ParentContact: ("date", "parent"),
    EntrustmentNotice: ("date", "recipient"),
}


class FastPathDeclined(Exception):  # noqa: N818 - not an error: the strict path takes over
    """The fast path does not take a record; the strict converter must structure it."""


def _builder(cls: type[Any]) -> Callable[..., Any]:
    """A constructor of the attrs class ``cls`` taking every field by position, in the order
    of ``_FAST_FIELDS``, that sets the fields and runs no validator: for values already
    checked as the validators would check them."""
    names = tuple(a.name for a in attrs.fields(cls))
    if names != _FAST_FIELDS[cls]:
        raise RuntimeError(
            f"the reader's fast path was written for the fields {_FAST_FIELDS[cls]} of "
            f"{cls.__name__}, which now has {names}: update careprotect.convert"
        )
    return slot_builder(cls)


def slot_builder(cls: type[Any]) -> Callable[..., Any]:
    """A constructor of the slotted attrs class ``cls`` taking every field by position, in
    the order of ``attrs.fields``, that sets the fields and runs no validator: for values
    already checked as the validators would check them (read by the fast path, or copied
    from an object of the class)."""
    fields = attrs.fields(cls)
    names = tuple(a.name for a in fields)
    hooks = ("__attrs_pre_init__", "__attrs_post_init__")
    if any(a.converter is not None for a in fields) or any(hasattr(cls, h) for h in hooks):
        raise RuntimeError(
            f"{cls.__name__} converts or initialises its values, which a builder without "
            "them would skip"
        )
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def build({', '.join(names)}, /):", "    o = new(cls)"]
    for name in names:
        # The slot's member descriptor sets the value below the frozen class's __setattr__.
        namespace[f"set_{name}"] = getattr(cls, name).__set__
        lines.append(f"    set_{name}(o, {name})")
    lines.append("    return o")
    exec(compile("\n".join(lines), f"<careprotect fast build {cls.__name__}>", "exec"), namespace)
    build: Callable[..., Any] = namespace["build"]
    return build


@functools.cache
def _builders() -> dict[type, Callable[..., Any]]:
    return {cls: _builder(cls) for cls in _FAST_FIELDS}


def _values(cls: type[enum.Enum]) -> dict[Any, Any]:
    return _enum_members(cls)[0]


def _keys(cls: type) -> frozenset[str]:
    return frozenset(_FAST_FIELDS[cls])


def fast_child_structurer(
    workers: Container[str], service_points: Container[str], *, defer_contacts: bool = False
) -> Callable[[Any], Child]:
    """A function that structures a child file (a dict) well formed in every respect, or
    raises (:class:`FastPathDeclined` or any other exception) for the strict converter to
    structure it instead.

    ``workers`` and ``service_points`` hold the ids of the registry's accepted workers and
    service points: every id in them is a valid identifier. A child file whose references are
    not all among them is declined, so a child file this function returns also passes the
    reader's reference checks. Its caches belong to the returned function, which serves one
    registry at a time (one thread), except the dates it shares with the strict converter.

    With ``defer_contacts``, a child file's contacts are checked but built only when first
    read (see :class:`~careprotect.model._base.Deferred`).
    """
    build = _builders()
    new_child = build[Child]
    new_disability = build[Disability]
    new_situation = build[ParentSituation]
    new_guardianship = build[Guardianship]
    new_disqualification = build[Disqualification]
    new_parent_contact = build[ParentContact]
    new_notice = build[EntrustmentNotice]
    new_residence = build[Residence]
    new_hardship = build[Hardship]
    new_enrolment = build[Enrolment]
    new_pairing = build[Pairing]
    new_agreement = build[Agreement]
    new_report = build[Report]
    new_referral = build[Referral]
    new = object.__new__
    set_date, set_worker, set_mode, set_topics = (
        getattr(Contact, name).__set__ for name in _FAST_FIELDS[Contact]
    )
    sexes = _values(Sex)
    male = Sex.MALE
    households = _values(HouseholdType)
    disability_kinds = _values(DisabilityKind)
    parents = _values(Parent)
    situation_kinds = _values(ParentSituationKind)
    deprivations = DEPRIVATIONS
    severely_disabled = ParentSituationKind.SEVERELY_DISABLED
    relations = _values(Relation)
    disqualification_kinds = _values(DisqualificationKind)
    recipients = _values(NoticeRecipient)
    residence_kinds = _values(ResidenceKind)
    family = ResidenceKind.FAMILY
    hardship_kinds = _values(HardshipKind)
    modes = _values(ContactMode)
    topic_values = _values(Topic)
    agreement_kinds = _values(AgreementKind)
    concerns = _values(ReportConcern)
    targets = _values(ReferralTarget)
    village_level = Level.VILLAGE
    child_keys = _keys(Child)
    disability_keys = _keys(Disability)
    situation_keys = _keys(ParentSituation)
    guardianship_keys = _keys(Guardianship)
    disqualification_keys = _keys(Disqualification)
    parent_contact_keys = _keys(ParentContact)
    notice_keys = _keys(EntrustmentNotice)
    residence_keys = _keys(Residence)
    hardship_keys = _keys(Hardship)
    enrolment_keys = _keys(Enrolment)
    pairing_keys = _keys(Pairing)
    agreement_keys = _keys(Agreement)
    report_keys = _keys(Report)
    referral_keys = _keys(Referral)
    missing: Any = object()
    no_topics: frozenset[Topic] = frozenset()

    # Caches of values the strict hooks accepted, keyed by the JSON value. JSON gives no value
    # other than a string that equals a string key, nor one other than a list that turns into
    # a tuple key (a list is checked before it is turned into one), so a hit is a value the
    # strict hook would take, giving an equal result. Dates share the strict hook's cache.
    dates_get = _DATES.get
    topic_sets: dict[tuple[str, ...], frozenset[Topic]] = {}
    topic_sets_get = topic_sets.get
    villages: dict[str, Division] = {}
    villages_get = villages.get

    def new_date(value: Any) -> dt.date:
        return _structure_date(value, dt.date)

    def optional_date(value: Any) -> dt.date | None:
        if value is None:
            return None
        return dates_get(value) or new_date(value)

    def end_after(value: Any, start: dt.date) -> dt.date | None:
        if value is None:
            return None
        end = dates_get(value) or new_date(value)
        if end <= start:
            raise FastPathDeclined
        return end

    def text(value: Any) -> str:
        """A non-empty string without NUL (identifiers and names)."""
        if value.__class__ is not str or "\x00" in value or not value.strip():
            raise FastPathDeclined
        return value

    def new_topic_set(value: list[Any]) -> frozenset[Topic]:
        topics = frozenset([topic_values[t] for t in value])
        if len(topic_sets) >= _CACHE_SIZE:
            topic_sets.clear()
        topic_sets[tuple(value)] = topics
        return topics

    def new_village(code: Any) -> Division:
        division = Division(code)
        if division.level is not village_level:
            raise FastPathDeclined
        if len(villages) >= _CACHE_SIZE:
            villages.clear()
        villages[code] = division
        return division

    def citizen_id_of(value: Any, birth_text: str, sex: Sex) -> CitizenId:
        """CitizenId(value), when the number is in normal form (ASCII, no spaces: else the
        strict path normalises it, and the reader notes that), valid as of today and matches
        the birth date and sex (the child's _id_matches validator)."""
        if (
            value.__class__ is not str
            or len(value) != 18
            # Its birth-date digits are those of the birth date, a real date of fixed-width
            # ASCII digits: so they are a real date, and the child's birth date.
            or value[6:14] != birth_text.replace("-", "")
            or value[6:10] < _CITIZEN_ID_EARLIEST_YEAR
            # Not after the day it is checked on (the strict path's check, on the same day).
            or value[6:14] > f"{_citizen_id_today():%Y%m%d}"
            or value[:2] not in ADDRESS_PREFIXES
            or not value.isascii()
            or not value[:17].isdigit()
            # A check character the ISO 7064 sum gives is a digit or an upper-case X.
            or _citizen_id_check(value[:17]) != value[17]
            or (value[16] in "13579") is not (sex is male)
        ):
            raise FastPathDeclined
        return _trusted_citizen_id(value)

    # Each list: a JSON array of objects, each with its required fields and no unknown one.
    def contacts(value: Any, build: bool = True) -> tuple[Contact, ...]:
        """The contacts, checked and, when ``build``, built (else none are returned)."""
        if value.__class__ is not list:
            raise FastPathDeclined
        out: list[Contact] = []
        append = out.append
        # A file's contacts are mostly by one worker, in a few modes, about the same topics:
        # a value equal to the last one's is the last one's (an equal list is a list).
        last_worker: Any = missing  # equal to no JSON value
        last_topics: Any = missing
        last_mode: Any = missing
        topic_set: frozenset[Topic] = no_topics
        mode: ContactMode | None = None
        # The lists of topics met so far, and their sets: a few, which the contacts take
        # turns at. A list is compared with them, not hashed (its strings are new).
        topic_lists: list[list[Any]] = []
        topic_lists_sets: list[frozenset[Topic]] = []
        for item in value:
            worker = item["worker"]  # a TypeError unless item is an object
            if worker != last_worker:
                if worker not in workers:
                    raise FastPathDeclined
                last_worker = worker
            # date, worker, mode and topics, or the first three: each is read below, so a
            # file of that size has those fields and nothing else.
            size = len(item)
            if size == 4:
                topics = item["topics"]
                if topics != last_topics:
                    if topics in topic_lists:
                        topic_set = topic_lists_sets[topic_lists.index(topics)]
                    else:
                        if topics.__class__ is not list:
                            raise FastPathDeclined
                        found = topic_sets_get(tuple(topics))  # the empty set is falsy
                        topic_set = new_topic_set(topics) if found is None else found
                        topic_lists.append(topics)
                        topic_lists_sets.append(topic_set)
                    last_topics = topics
            elif size == 3:
                topic_set = no_topics
                last_topics = missing
            else:
                raise FastPathDeclined
            text = item["mode"]
            if text != last_mode:
                mode = modes[text]
                last_mode = text
            day = item["date"]
            date = dates_get(day) or new_date(day)
            if build:
                contact = new(Contact)
                set_date(contact, date)
                set_worker(contact, last_worker)
                set_mode(contact, mode)
                set_topics(contact, topic_set)
                append(contact)
        return tuple(out)

    def deferred_contacts(value: Any) -> tuple[Contact, ...] | Deferred:
        """The contacts, checked now and built when first read (see Child)."""
        contacts(value, False)
        return Deferred(contacts, value) if value else ()

    def parent_situations(value: Any) -> tuple[ParentSituation, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= situation_keys:
                raise FastPathDeclined
            start = item["start"]
            start = dates_get(start) or new_date(start)
            kind = situation_kinds[item["kind"]]
            # As the validators _term and _situation_disability: a term (exactly an int, at
            # least 1) only for a deprivation of liberty, a disability only when severe.
            term = item.get("term_months")
            if term is not None and (
                term.__class__ is not int or term < 1 or kind not in deprivations
            ):
                raise FastPathDeclined
            situation_disability = item.get("disability")
            if situation_disability is not None and kind is not severely_disabled:
                raise FastPathDeclined
            out.append(
                new_situation(
                    parents[item["parent"]],
                    kind,
                    start,
                    end_after(item.get("end"), start),
                    term,
                    disability(situation_disability),
                )
            )
        return tuple(out)

    def disqualifications(value: Any) -> tuple[Disqualification, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= disqualification_keys:
                raise FastPathDeclined
            start = item["start"]
            start = dates_get(start) or new_date(start)
            out.append(
                new_disqualification(
                    disqualification_kinds[item["kind"]], start, end_after(item.get("end"), start)
                )
            )
        return tuple(out)

    def guardianships(value: Any) -> tuple[Guardianship, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= guardianship_keys:
                raise FastPathDeclined
            entrusted = item.get("entrusted", False)
            if entrusted is not True and entrusted is not False:
                raise FastPathDeclined
            start = item["start"]
            start = dates_get(start) or new_date(start)
            barred = item.get("disqualifications", missing)
            out.append(
                new_guardianship(
                    text(item["guardian"]),
                    relations[item["relation"]],
                    start,
                    end_after(item.get("end"), start),
                    entrusted,
                    optional_date(item.get("confirmation_signed_on")),
                    () if barred is missing else disqualifications(barred),
                )
            )
        return tuple(out)

    def residences(value: Any) -> tuple[Residence, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= residence_keys:
                raise FastPathDeclined
            kind = residence_kinds[item["kind"]]
            institution = item.get("institution")
            # A family residence names no institution; an institutional one names a listed
            # service point (whose id is a valid identifier).
            if kind is family:
                if institution is not None:
                    raise FastPathDeclined
            elif institution not in service_points:
                raise FastPathDeclined
            start = item["start"]
            start = dates_get(start) or new_date(start)
            out.append(new_residence(kind, start, end_after(item.get("end"), start), institution))
        return tuple(out)

    def hardships(value: Any) -> tuple[Hardship, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= hardship_keys:
                raise FastPathDeclined
            start = item["start"]
            start = dates_get(start) or new_date(start)
            out.append(
                new_hardship(hardship_kinds[item["kind"]], start, end_after(item.get("end"), start))
            )
        return tuple(out)

    def enrolments(value: Any) -> tuple[Enrolment, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= enrolment_keys:
                raise FastPathDeclined
            start = item["start"]
            start = dates_get(start) or new_date(start)
            out.append(
                new_enrolment(text(item["programme"]), start, end_after(item.get("end"), start))
            )
        return tuple(out)

    def pairings(value: Any) -> tuple[Pairing, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= pairing_keys:
                raise FastPathDeclined
            worker = item["worker"]
            if worker not in workers:
                raise FastPathDeclined
            start = item["start"]
            start = dates_get(start) or new_date(start)
            out.append(
                new_pairing(worker, text(item["scheme"]), start, end_after(item.get("end"), start))
            )
        return tuple(out)

    def agreements(value: Any) -> tuple[Agreement, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= agreement_keys:
                raise FastPathDeclined
            point = item.get("service_point")
            if point is not None and point not in service_points:
                raise FastPathDeclined
            signed_on = item["signed_on"]
            signed_on = dates_get(signed_on) or new_date(signed_on)
            out.append(
                new_agreement(
                    agreement_kinds[item["kind"]],
                    signed_on,
                    point,
                    end_after(item.get("end"), signed_on),
                )
            )
        return tuple(out)

    def reports(value: Any) -> tuple[Report, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= report_keys:
                raise FastPathDeclined
            worker = item.get("worker")
            if worker is not None and worker not in workers:
                raise FastPathDeclined
            day = item["date"]
            out.append(
                new_report(
                    dates_get(day) or new_date(day),
                    concerns[item["concern"]],
                    targets[item["to"]],
                    worker,
                )
            )
        return tuple(out)

    def referrals(value: Any) -> tuple[Referral, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= referral_keys:
                raise FastPathDeclined
            worker = item.get("worker")
            if worker is not None and worker not in workers:
                raise FastPathDeclined
            reason = item.get("reason")
            if reason is not None and (reason.__class__ is not str or "\x00" in reason):
                raise FastPathDeclined
            day = item["date"]
            out.append(
                new_referral(
                    dates_get(day) or new_date(day), targets[item["target"]], worker, reason
                )
            )
        return tuple(out)

    def parent_contacts(value: Any) -> tuple[ParentContact, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= parent_contact_keys:
                raise FastPathDeclined
            day = item["date"]
            out.append(new_parent_contact(dates_get(day) or new_date(day), parents[item["parent"]]))
        return tuple(out)

    def entrustment_notices(value: Any) -> tuple[EntrustmentNotice, ...]:
        if value.__class__ is not list:
            raise FastPathDeclined
        out = []
        for item in value:
            if item.__class__ is not dict or not item.keys() <= notice_keys:
                raise FastPathDeclined
            day = item["date"]
            out.append(new_notice(dates_get(day) or new_date(day), recipients[item["recipient"]]))
        return tuple(out)

    def disability(value: Any) -> Disability | None:
        if value is None:
            return None
        if value.__class__ is not dict or not value.keys() <= disability_keys:
            raise FastPathDeclined
        grade = value["grade"]
        # Exactly an int: True and Decimal("1.0") are equal to 1 but refused by the int hook.
        if grade.__class__ is not int or grade not in DISABILITY_GRADES:
            raise FastPathDeclined
        built: Disability = new_disability(
            disability_kinds[value["kind"]], grade, optional_date(value.get("certified_on"))
        )
        return built

    def child(data: Any) -> Child:
        if data.__class__ is not dict or not data.keys() <= child_keys:
            raise FastPathDeclined
        get = data.get
        birth_text = data["birth_date"]
        birth_date = dates_get(birth_text) or new_date(birth_text)
        sex = sexes[data["sex"]]
        citizen_id = get("citizen_id")
        if citizen_id is not None:
            citizen_id = citizen_id_of(citizen_id, birth_text, sex)
        code = data["division"]
        # The lists: absent is empty; null or anything but a list is declined.
        situations_ = get("parent_situations", missing)
        guardianships_ = get("guardianships", missing)
        residences_ = get("residences", missing)
        hardships_ = get("hardships", missing)
        enrolments_ = get("enrolments", missing)
        pairings_ = get("pairings", missing)
        contacts_ = get("contacts", missing)
        agreements_ = get("agreements", missing)
        reports_ = get("reports", missing)
        referrals_ = get("referrals", missing)
        parent_contacts_ = get("parent_contacts", missing)
        notices_ = get("entrustment_notices", missing)
        built: Child = new_child(
            text(data["id"]),
            text(data["name"]),
            birth_date,
            sex,
            villages_get(code) or new_village(code),
            households[data["household"]],
            citizen_id,
            disability(get("disability")),
            () if situations_ is missing else parent_situations(situations_),
            () if guardianships_ is missing else guardianships(guardianships_),
            () if residences_ is missing else residences(residences_),
            () if hardships_ is missing else hardships(hardships_),
            () if enrolments_ is missing else enrolments(enrolments_),
            () if pairings_ is missing else pairings(pairings_),
            () if contacts_ is missing else read_contacts(contacts_),
            () if agreements_ is missing else agreements(agreements_),
            () if reports_ is missing else reports(reports_),
            () if referrals_ is missing else referrals(referrals_),
            () if parent_contacts_ is missing else parent_contacts(parent_contacts_),
            () if notices_ is missing else entrustment_notices(notices_),
        )
        return built

    read_contacts = deferred_contacts if defer_contacts else contacts
    return child
