"""Helpers shared by careprotect's tests: citation tables for throwaway parameter files, fake
entry points for installing plugins, the Xianning-like contact rules and children that the
rules, planning and command-line tests share, and the README's commands. The fixtures are in
conftest.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import Phase, settings
from hypothesis import find as hypothesis_find
from hypothesis import strategies as st

from careprotect import (
    Child,
    Contact,
    ContactMode,
    Division,
    HouseholdType,
    Message,
    Parent,
    ParentSituation,
    ParentSituationKind,
    PeriodKind,
    Sex,
    load_registry,
)
from careprotect.rules.contact import ContactFrequency
from careprotect.testing import stub_plugin

__all__ = [
    "CHIBI_VILLAGE",
    "ROOT",
    "SAMPLE",
    "WEEKLY",
    "XIANNING_PARAMETERS",
    "YEARLY",
    "Install",
    "InstalledPlugin",
    "citation_table",
    "first_example",
    "left_behind",
    "monthly",
    "readme_commands",
    "xianning",
]

_T = TypeVar("_T")

ROOT = Path(__file__).resolve().parents[1]
"""The repository's root."""
VERIFIED = "2026-11-23"
"""The day the tests' citations were verified."""


def citation_table(
    key: str = "p",
    *,
    issuer: str = "某省民政厅",
    document: str = "某民发〔2018〕1号",
    title: str = "t",
    clause: str | None = None,
    date: str | None = None,
    status: str = "confirmed",
    verified: str = VERIFIED,
    more: str = "",
) -> str:
    """The TOML of one citation table of a parameter file, ``[citations.<key>]``, starting and
    ending with a newline so that tables and values can be concatenated.

    ``clause`` and ``date`` (a TOML date, ``2019-06-11``) are left out when None; ``more`` is
    added as written, a line such as ``note = "..."``.
    """
    lines = [
        f"[citations.{key}]",
        f'issuer = "{issuer}"',
        f'document = "{document}"',
        f'title = "{title}"',
    ]
    if clause is not None:
        lines.append(f'clause = "{clause}"')
    if date is not None:
        lines.append(f"date = {date}")
    lines += [f'status = "{status}"', f"verified = {verified}"]
    if more:
        lines.append(more)
    return "\n" + "\n".join(lines) + "\n"


class InstalledPlugin:
    """An entry point of the ``careprotect`` group that loads ``plugin``."""

    def __init__(self, name: str, plugin: object) -> None:
        self.name = name
        self.plugin = plugin

    def load(self) -> object:
        return self.plugin


Install = Callable[..., None]
"""``install(name=plugin, ...)``: installs plugins under the entry-point group."""


def first_example(strategy: st.SearchStrategy[_T], condition: Callable[[_T], bool]) -> _T:
    """The first generated example that satisfies ``condition``, not shrunk: a test that a
    strategy can give such a value needs an example, and shrinking one (a child file, a
    registry, a citizen ID) is what takes the time."""
    return hypothesis_find(
        strategy,
        condition,
        settings=settings(phases=[Phase.generate], database=None, max_examples=2000),
    )


def readme_commands() -> list[str]:
    """The commands of README.md's first ``sh`` block, one a line (setup+run, setup+test)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


# -- the Xianning-like contact rules (tests/rules/test_contact.py, planning, the CLI) --------

SAMPLE = load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry
"""The small sample registry (tests/data/small-registry.jsonl), read once."""
CHIBI_VILLAGE = Division("421281101201")
"""桃园村 of 赤壁市, where :func:`left_behind` children live unless told."""

XIANNING_PARAMETERS = (
    citation_table(
        "xn",
        issuer="咸宁市民政局",
        document="seeds/000 (Xianning news 2020-12-17)",
        title="咸宁市农村留守儿童关爱保护",
    )
    + """
[parameters."xianning.contact.min_count"]
unit = "count"
zh = "儿童主任每月联系留守儿童次数"
en = "Contacts a month with each left-behind child"

[parameters."xianning.contact.topics"]
unit = "choices"
zh = "探访记录须载明的事项"
en = "Topics every visit record covers"
choices = ["study", "schooling", "daily_life", "mental_health", "safety"]

[parameters."test.weekly.min_count"]
unit = "count"
zh = "每周随访次数"
en = "Follow-ups a week"

[parameters."test.pairing.min_count"]
unit = "count"
zh = "结对每年活动次数"
en = "Activities a year with a paired child"

[[values]]
parameter = "xianning.contact.min_count"
effective = 2020-01-01
value = 2
citation = "xn"

[[values]]
parameter = "xianning.contact.topics"
effective = 2020-01-01
value = ["study", "schooling", "daily_life", "mental_health"]
citation = "xn"

[[values]]
parameter = "test.weekly.min_count"
effective = 2020-01-01
value = 1
citation = "xn"

[[values]]
parameter = "test.pairing.min_count"
effective = 2023-12-29
value = 1
citation = "xn"
"""
)
"""The parameter file of :func:`xianning`: Xianning's contacts and topics, a weekly and a
yearly count."""

TITLE = Message("每月联系留守儿童两次", "Contact each left-behind child twice a month")


def monthly(**kw: Any) -> ContactFrequency:
    """A Xianning-like rule: 2 contacts a month by phone or home visit, left-behind children."""
    fields: dict[str, Any] = {
        "id": "test.xianning.contact",
        "title": TITLE,
        "citations": ("xn",),
        "period": PeriodKind.MONTH,
        "min_count": "xianning.contact.min_count",
        "modes": (ContactMode.PHONE, ContactMode.HOME_VISIT),
        "categories": ("left_behind",),
    }
    fields.update(kw)
    return ContactFrequency(**fields)


WEEKLY = ContactFrequency(
    id="test.chibi.follow_up",
    title=Message("每周随访", "Follow up every week"),
    citations=("xn",),
    period=PeriodKind.WEEK,
    min_count="test.weekly.min_count",
    modes=tuple(ContactMode),
    categories=(
        "left_behind",
        "orphan",
        "de_facto_unsupported",
        "difficulty.poverty",
        "difficulty.disability",
        "difficulty.guardianship",
    ),
)

YEARLY = ContactFrequency(
    id="test.pairing.activity",
    title=Message("结对儿童每年至少一次活动", "At least one activity a year with a paired child"),
    citations=("xn",),
    period=PeriodKind.YEAR,
    min_count="test.pairing.min_count",
    modes=(ContactMode.ACTIVITY,),
    schemes=("xianning-1+1",),
)


def xianning(
    tmp_path: Path, rules: Iterable[ContactFrequency], scope: str = "4212", name: str = "xn"
) -> object:
    """A throwaway Xianning plugin registering ``rules`` for its scope."""
    return stub_plugin(name, scope, directory=tmp_path, toml=XIANNING_PARAMETERS, rules=rules)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def left_behind(
    *contacts: tuple[str, ContactMode] | Contact,
    since: str = "2018-01-01",
    division: Division = CHIBI_VILLAGE,
    child_id: str = "C1",
    **kw: Any,
) -> Child:
    """A rural child born 2012 whose parents both work away from ``since``."""
    return Child(
        id=child_id,
        name="某某",
        birth_date=dt.date(2012, 5, 1),
        sex=Sex.MALE,
        division=division,
        household=HouseholdType.RURAL,
        parent_situations=(
            ParentSituation(
                parent=Parent.FATHER,
                kind=ParentSituationKind.WORKING_AWAY,
                start=_day(since),
            ),
            ParentSituation(
                parent=Parent.MOTHER,
                kind=ParentSituationKind.WORKING_AWAY,
                start=_day(since),
            ),
        ),
        contacts=tuple(
            c if isinstance(c, Contact) else Contact(date=_day(c[0]), worker="W-CB-D1", mode=c[1])
            for c in contacts
        ),
        **kw,
    )


# -- JSON Lines registries ------------------------------------------------------------------------

SAMPLE_FILE = ROOT / "examples" / "sample-registry.jsonl"


def _sample_lines() -> tuple[list[bytes], list[bytes]]:
    """The sample registry's reference lines and child lines."""
    reference: list[bytes] = []
    children: list[bytes] = []
    for line in SAMPLE_FILE.read_bytes().splitlines(keepends=True):
        (children if json.loads(line)["record"] == "child" else reference).append(line)
    return reference, children


SAMPLE_REFERENCE, SAMPLE_CHILDREN = _sample_lines()
"""The sample registry's reference lines and child lines."""


def child_line(line: bytes, **changes: Any) -> bytes:
    """The child file of ``line`` with ``changes``, as a line."""
    data = json.loads(line)
    data.update(changes)
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def messy_lines() -> list[bytes]:
    """The sample registry's lines with bad lines, duplicates and late reference records
    spread through them: 13 rejections, the last line without its line end."""
    first, second, third = SAMPLE_CHILDREN[0], SAMPLE_CHILDREN[1], SAMPLE_CHILDREN[2]
    with_x = next(c for c in SAMPLE_CHILDREN if json.loads(c).get("citizen_id", "").endswith("X"))
    lower_x = json.loads(with_x)["citizen_id"].lower()
    lines = [
        b"\xef\xbb\xbf" + SAMPLE_REFERENCE[0],
        *SAMPLE_REFERENCE[1:],
        *SAMPLE_CHILDREN,
        first,  # a duplicate of an accepted child file, many batches later
        child_line(second, division="110101001001"),  # rejected, and a duplicate
        b"\n",
        b"  \t\r\n",
        b'{"record": "child", "id": \n',  # not JSON
        b"[1, 2]\n",  # not an object
        b'{"id": "x"}\n',  # no kind
        b'{"record": "parcel"}\n',  # an unknown kind
        b"\xff\xfe\n",  # not UTF-8
        SAMPLE_REFERENCE[-1],  # reference data after the child files
        third.rstrip(b"\n") + b"\r\n",  # CRLF: a duplicate too
        child_line(third, id="NEW-1", division="110101001001"),  # rejected, not a duplicate
        child_line(third, id="NEW-1"),  # so this one is accepted
        child_line(third, id="NEW-1"),  # and this one is a duplicate, in the same batch
        # Lines a worker leaves to the general path: escapes, more than one value, blanks
        # before the line end, a citizen ID the fast path declines and the strict one takes.
        child_line(third, id="NEW-3").replace(b'"id": "NEW-3"', b'"id": "NEW-\\u0034"'),
        child_line(third, id="NEW-5", name="S").replace(b'"name": "S"', b'"name": "\\ud800"'),
        child_line(third, id="NEW-6").rstrip(b"\n") + b' {"record": "child"}\n',
        child_line(third, id="NEW-7").rstrip(b"\n") + b" \t \n",
        child_line(with_x, id="NEW-8", citizen_id=lower_x),
        child_line(third, id="NEW-2").rstrip(b"\n"),  # the last line has no line end
    ]
    return lines
