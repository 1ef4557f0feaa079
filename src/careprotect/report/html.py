"""Self-contained HTML pages of reports: a summary, bar charts drawn as inline SVG, and
tables of rows that inline script filters by some of their columns.

A page loads nothing: its style, script and charts are written into it, so it can be mailed or
opened offline. Any report made of "a summary, charts and tables of rows" is a :class:`Page`;
:func:`render_page` writes it with the template ``templates/page.html.j2`` (Jinja2, which
escapes every value written into it). The geometry of a chart is computed here
(:meth:`Chart.layout`); the template draws its rectangles and labels. The rows of a page are
held in memory until it is written, so a report lists a bounded number of them
(:data:`MAX_ROWS`) and says so in its note.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import attrs

from careprotect.report._base import Lang, text
from careprotect.report.optional import require
from careprotect.report.xlsx import Overview

__all__ = [
    "MAX_BARS",
    "MAX_ROWS",
    "Bar",
    "Chart",
    "Listing",
    "Page",
    "Series",
    "render_page",
    "require_jinja2",
    "top_bars",
]

MAX_ROWS = 5000
"""The most rows a page lists (of findings, amounts or contacts due); the rest are counted in
the summary and listed by ``--format xlsx`` or ``csv``."""
MAX_BARS = 30
"""The most bars a chart of places draws (the largest); its note says how many there are."""

_WIDTH, _LABEL, _BARS, _ROW, _GAP, _TOP = 880, 330, 440, 18, 6, 26


@attrs.frozen
class Series:
    """One kind of segment of a chart's bars: its label in the legend and its colour."""

    label: str
    color: str


@attrs.frozen
class Bar:
    """One bar: its label and a value for each series of its chart (stacked)."""

    label: str
    values: tuple[float, ...]
    total: str
    """The text written after the bar (its total, formatted)."""


@attrs.frozen
class Segment:
    x: float
    width: float
    color: str
    tip: str


@attrs.frozen
class DrawnBar:
    y: int
    label: str
    segments: tuple[Segment, ...]
    total: str
    total_x: float


@attrs.frozen
class Layout:
    """Where a chart's pieces go, in the SVG's units."""

    width: int
    height: int
    label_width: int
    bars: tuple[DrawnBar, ...]
    legend: tuple[tuple[float, Series], ...]
    row: int


@attrs.frozen
class Chart:
    """A horizontal bar chart, bars stacked by series."""

    title: str
    series: tuple[Series, ...]
    bars: tuple[Bar, ...]
    note: str = ""

    def layout(self) -> Layout:
        """The positions of the bars, their segments and the legend."""
        most = max((sum(b.values) for b in self.bars), default=0) or 1
        drawn = []
        for i, bar in enumerate(self.bars):
            y = _TOP + i * (_ROW + _GAP)
            x = float(_LABEL)
            segments = []
            for series, value in zip(self.series, bar.values, strict=True):
                if value <= 0:
                    continue
                width = max(1.0, _BARS * value / most)
                segments.append(
                    Segment(x=x, width=width, color=series.color, tip=f"{series.label}: {value:g}")
                )
                x += width
            drawn.append(
                DrawnBar(
                    y=y, label=bar.label, segments=tuple(segments), total=bar.total, total_x=x + 6
                )
            )
        legend = []
        x = 0.0
        for series in self.series if len(self.series) > 1 else ():
            legend.append((x, series))
            x += 28 + 7 * len(series.label) + 8 * sum(ord(c) > 0x2E7F for c in series.label)
        height = _TOP + len(self.bars) * (_ROW + _GAP)
        return Layout(
            width=_WIDTH,
            height=height,
            label_width=_LABEL - 8,
            bars=tuple(drawn),
            legend=tuple(legend),
            row=_ROW,
        )


def top_bars(bars: Sequence[Bar], lang: Lang, limit: int = MAX_BARS) -> tuple[tuple[Bar, ...], str]:
    """The ``limit`` bars of the largest totals (in their order given), and a note saying how
    many of how many are drawn when some are left out (else empty)."""
    if len(bars) <= limit:
        return tuple(bars), ""
    keep = sorted(range(len(bars)), key=lambda i: -sum(bars[i].values))[:limit]
    note = text("bars_shown", lang).format(shown=limit, total=len(bars))
    return tuple(bars[i] for i in sorted(keep)), note


@attrs.frozen
class Listing:
    """A table of rows, filtered by the columns ``filters`` (their indexes): each gets a list
    of its values to choose from. ``rows`` are the cells as text; ``total`` how many rows
    there were in all (more than listed when the list was capped), said in ``note``."""

    title: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    filters: tuple[int, ...] = ()
    note: str = ""
    wide: tuple[int, ...] = ()
    """Columns of long text (messages, citations), given more room."""

    def choices(self) -> list[tuple[int, str, list[str]]]:
        """For each filtered column: its index, its header and its values, sorted."""
        return [(i, self.header[i], sorted({row[i] for row in self.rows})) for i in self.filters]


@attrs.frozen
class Page:
    """A report as a page: a title and a line under it, notes, the summary, charts, and
    tables of rows."""

    lang: Lang
    title: str
    subtitle: str
    overview: Overview
    charts: tuple[Chart, ...] = ()
    listings: tuple[Listing, ...] = ()
    notes: tuple[str, ...] = ()


def require_jinja2() -> None:
    """Fail now, in one line naming the extra to install, when Jinja2 is missing (so that a
    report fails before its run, not after)."""
    require("jinja2", "html")


def render_page(page: Page) -> str:
    """The page as one HTML document that loads nothing."""
    jinja2 = require("jinja2", "html")
    source = (
        importlib.resources.files("careprotect.report")
        .joinpath("templates/page.html.j2")
        .read_text(encoding="utf-8")
    )
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(source)
    labels: dict[str, Any] = {
        key: text(key, page.lang) for key in ("all", "filter", "shown_rows", "summary")
    }
    rendered: str = template.render(
        page=page,
        labels=labels,
        made_by=text("made_by", page.lang).format(version=version("careprotect")),
    )
    return rendered
