"""What an audit yields when its findings are rendered: :class:`Rendered` findings, or
:class:`Chunk` objects holding the joined texts of runs of findings and their counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, NamedTuple, TypeVar

from careprotect.divisions import Division
from careprotect.findings import Finding, Outcome
from careprotect.params import Status

__all__ = ["CHUNK_TEXT", "Chunk", "CountKey", "Joiner", "Rendered", "joined", "rendered"]

T = TypeVar("T")


class Rendered(NamedTuple, Generic[T]):
    """What :meth:`Audit.rendered <careprotect.pipeline.Audit.rendered>` yields for a
    finding: what it is counted under (its rule, outcome and division, and the status it
    rests on) and what the render function made of it."""

    rule: str
    outcome: Outcome
    division: Division
    value: T
    rests_on: Status


def rendered(findings: Iterable[Finding], render: Callable[[Finding], T]) -> Iterator[Rendered[T]]:
    """Each of ``findings`` as :class:`Rendered` by ``render``."""
    for f in findings:
        yield Rendered(f.rule, f.outcome, f.division, render(f), f.rests_on)


CountKey = tuple[str, Outcome, Division, Status]
"""What a finding is counted under: its rule, outcome and division, and the status it rests
on (:attr:`Finding.rests_on`)."""


class Chunk(NamedTuple):
    """What :meth:`Audit.chunks <careprotect.pipeline.Audit.chunks>` yields for a run of
    consecutive findings: their texts joined, in order, and how many of them there are under
    each rule, outcome, division and status rested on (only those with at least one)."""

    text: bytes
    counts: dict[CountKey, int]

    @classmethod
    def of(cls, text: bytes, keys: Sequence[CountKey], counts: Sequence[int]) -> Chunk:
        """The chunk of ``text`` with ``counts[i]`` findings under ``keys[i]``."""
        return cls(text, {key: n for key, n in zip(keys, counts, strict=True) if n})


CHUNK_TEXT = 1 << 20
"""About how many bytes of text a chunk of a serial audit holds (at least one subject's)."""


class Joiner:
    """Joins the rendered texts of findings, subject by subject, and counts the findings
    under their rule, outcome and division. :meth:`add` tells where a subject's text ends
    and under which keys (places in :attr:`keys`) its findings are counted, so that a
    subject can be taken out again (the parallel audit's duplicates)."""

    def __init__(self, render: Callable[[Finding], bytes | None]) -> None:
        self.render = render
        self.texts: list[bytes] = []
        self.size = 0
        self.keys: list[CountKey] = []
        self.counts: list[int] = []
        self._index: dict[tuple[str, Outcome, str, Status], int] = {}

    def add(self, findings: Iterable[Finding]) -> tuple[int, tuple[int, ...]]:
        """Render and count one subject's findings; returns the size of the text so far
        and the places of the findings' keys."""
        render, texts, index, counts = self.render, self.texts, self._index, self.counts
        places = []
        for finding in findings:
            text = render(finding)
            if text:
                texts.append(text)
                self.size += len(text)
            # Keyed by the division's code: its str hash is cached, a Division's is not.
            rule, outcome, division = finding.rule, finding.outcome, finding.division
            status = finding.rests_on
            place = index.get((rule, outcome, division.code, status))
            if place is None:
                place = index[rule, outcome, division.code, status] = len(self.keys)
                self.keys.append((rule, outcome, division, status))
                counts.append(0)
            counts[place] += 1
            places.append(place)
        return self.size, tuple(places)

    def parts(self) -> tuple[bytes, list[CountKey], list[int]]:
        """The texts of everything added, joined, the keys and the counts under them."""
        return b"".join(self.texts), self.keys, self.counts

    def chunk(self) -> Chunk:
        """The chunk of everything added."""
        return Chunk.of(*self.parts())


def joined(
    subjects: Iterable[Iterable[Finding]], render: Callable[[Finding], bytes | None]
) -> Iterator[Chunk]:
    """The findings of ``subjects`` (each an iterable of one subject's findings) in chunks of
    about :data:`CHUNK_TEXT` bytes of text."""
    joiner = Joiner(render)
    for findings in subjects:
        if joiner.add(findings)[0] >= CHUNK_TEXT:
            yield joiner.chunk()
            joiner = Joiner(render)
    if joiner.keys:
        yield joiner.chunk()
