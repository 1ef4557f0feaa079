"""Masking of personal data: names and citizen ID numbers.

Data about children is sensitive personal information (PIPL Art. 28; Minors Protection Law
Art. 4 and 103), so careprotect shows it masked wherever it is printed, logged or reported,
unless a caller asks for it explicitly.
"""

from __future__ import annotations

import re

__all__ = ["looks_like_id_number", "mask_id_number", "mask_if_id_number", "mask_name", "scrub"]


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
