"""Masking of personal data: names and citizen ID numbers.

Data about children is sensitive personal information (PIPL Art. 28; Minors Protection Law
Art. 4 and 103), so careprotect shows it masked wherever it is printed, logged or reported,
unless a caller asks for it explicitly.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

__all__ = [
    "ScrubFilter",
    "describe",
    "get_logger",
    "looks_like_id_number",
    "mask_id_number",
    "mask_if_id_number",
    "mask_name",
    "quote",
    "scrub",
]


def mask_name(name: str) -> str:
    """Keep the first character of a name and replace every other non-space character by ``*``.

    >>> mask_name("张三丰")
    '张**'
    >>> mask_name("Li Hua")
    'L* ***'
    """
    if not name:
        return name
    head, rest = name[0], name[1:]
    if rest.split() == [rest]:  # no whitespace: the usual name
        return head + "*" * len(rest)
    return head + "".join(" " if ch.isspace() else "*" for ch in rest)


def mask_id_number(text: str) -> str:
    """Mask an ID-like string: keep the first six and the last four characters.

    For an 18-character citizen ID this hides the eight birth-date digits, giving the usual
    ``110105********002X``. Shorter strings keep less: at most a third of the characters show,
    so a malformed number in an error message is never printed whole.
    """
    n = len(text)
    if n >= 18:
        return text[:6] + "*" * (n - 10) + text[-4:]
    keep_head = n // 3
    keep_tail = n // 6
    tail = text[n - keep_tail :] if keep_tail else ""
    return text[:keep_head] + "*" * (n - keep_head - keep_tail) + tail


def looks_like_id_number(text: str) -> bool:
    """Whether ``text`` could be a citizen ID number: 15 or more characters, the first 15 of
    them digits (the old 15-digit and the 18-character forms both qualify)."""
    return len(text) >= 15 and text[:15].isdigit()


def mask_if_id_number(text: str) -> str:
    """``text`` as given, unless it could be a citizen ID number; then masked.

    For record ids and keys, which are normally codes of the registry's own choosing but may
    carry an ID number when a registry uses one as the child's id.
    """
    return mask_id_number(text) if looks_like_id_number(text) else text


_ID_RUN = re.compile(r"(?<!\d)\d{15,}(?:[Xx](?![0-9A-Za-z]))?")
"""A run of 15 or more digits (of any script, full-width included), with the 18-character
form's check character X: what could be a citizen ID number wherever it appears in a text."""


def scrub(text: str) -> str:
    """``text`` with every run of 15 or more digits that could be a citizen ID number masked,
    whatever it came from (a number, a key, a reference, a record id).

    The last line of defence where text leaves the library (messages on stderr, log records,
    exception texts, rejected records): names cannot be recognised in free text, so they are
    masked where they are read; ID numbers are masked here too, however they were spelt.

    >>> scrub("refers to no worker (got '433122201204180021')")
    "refers to no worker (got '433122********0021')"
    """
    if len(text) < 15:
        return text
    return _ID_RUN.sub(lambda m: mask_id_number(m.group()), text)


# A value a message may quote: short, ASCII, and made of the characters of codes, dates and
# numbers. A space, a quote or any other character may belong to a name (Li Hua, O'Neil).
_QUOTABLE = re.compile(r"[\w.:/+-]{1,32}", re.ASCII)


def quote(text: str) -> str:
    """An input value as a message shows it: quoted when it is short ASCII text made of the
    characters of codes, dates and numbers (letters, digits, ``_ . : / + -``), with any ID
    number in it masked; else described by its length, as it may be a name (``张三``, ``Li
    Hua``).

    >>> quote("2019-02-30"), quote("Li Hua"), quote("11010519491231002X")
    ("'2019-02-30'", 'a string of 6 characters', "'110105********002X'")
    """
    if _QUOTABLE.fullmatch(text):
        return repr(scrub(text))
    return f"a string of {len(text)} characters"


def describe(value: Any) -> str:
    """A value read from the input (any JSON value) as a message shows it: a string as
    :func:`quote` shows it, a number with any ID number in it masked, and a list or an object
    by its kind only (``a list``), so that nothing in it shows."""
    if isinstance(value, str):
        return quote(value)
    if value is None:
        return "null"
    if isinstance(value, bool | int | float | Decimal):
        return f"{type(value).__name__} {scrub(repr(value))}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


class ScrubFilter(logging.Filter):
    """A logging filter that passes a record's texts through :func:`scrub`: its message (with
    its arguments merged in), the traceback of its exception and its stack. It lets every
    record pass.

    Installed on every logger of careprotect (see :func:`get_logger`), so that a log line
    never carries a whole ID number, whatever handler or formatter the application uses.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_SCRUB_FILTER = ScrubFilter()


def get_logger(name: str) -> logging.Logger:
    """The logger ``name`` (``careprotect.io``, ...) with a :class:`ScrubFilter` on it: what
    every module of careprotect logs through. A logger's filters see only the records made
    on that logger, not those of its children, so each logger needs its own."""
    logger = logging.getLogger(name)
    if _SCRUB_FILTER not in logger.filters:
        logger.addFilter(_SCRUB_FILTER)
    return logger
