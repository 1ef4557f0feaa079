"""Shared pieces of the reports: language and labels, JSON forms of plugins, rejections and
counts, places, and rich consoles and tables (rich imported only when a table is drawn)."""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterable, Mapping, Sized
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, TextIO

from careprotect.divisions import Division, Level
from careprotect.findings import Outcome, SubjectKind
from careprotect.io import LoadCounts, RecordWarning, Rejection, dumps
from careprotect.masking import scrub
from careprotect.model import ReferenceData
from careprotect.params import PluginInfo, Scope, Status, scope_label
from careprotect.rulestates import RuleState, RuleStatus

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

Lang = Literal["zh", "en"]
"""A language of the reports' labels and messages: Chinese or English."""
Format = Literal["table", "json", "csv", "xlsx", "html"]
"""A report format."""
LANGS: tuple[Lang, ...] = ("zh", "en")
FORMATS: tuple[Format, ...] = ("table", "json", "csv", "xlsx", "html")
TABLE_WIDTH = 160
"""The width of tables written to a file or a pipe (a terminal gives its own width)."""


class Progress(Protocol):
    """Told now and then how many subjects (or amounts) are done; stopped before the end of
    a report is written."""

    def __call__(self, done: int) -> None:
        """Show that ``done`` subjects or amounts are done."""

    def stop(self) -> None:
        """Remove the display."""


def language_from_env(environ: Mapping[str, str]) -> Lang:
    """The language of the locale: the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that
    is set and not empty decides, Chinese when it starts with ``zh``; English otherwise."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


_TEXT: Mapping[str, tuple[str, str]] = {
    Outcome.COMPLIANT: ("合规", "compliant"),
    Outcome.NON_COMPLIANT: ("不合规", "non-compliant"),
    Outcome.NOT_APPLICABLE: ("不适用", "not applicable"),
    Outcome.MISSING_INPUT: ("缺少输入", "missing input"),
    Outcome.ADVISORY: ("提示", "advisory"),
    Outcome.ERROR: ("错误", "error"),
    SubjectKind.CHILD: ("儿童", "child"),
    SubjectKind.WORKER: ("工作人员", "worker"),
    SubjectKind.SERVICE_POINT: ("服务阵地", "service point"),
    SubjectKind.DIVISION: ("区划", "division"),
    "unknown": ("未知", "unknown"),
    "audit": ("合规审查", "Compliance audit"),
    "as_of": ("截至 {}", "as of {}"),
    "period": ("期间 {}", "period {}"),
    "plugins": ("插件", "plugins"),
    "records": (
        "记录：读取 {read}，接受 {accepted}，拒绝 {rejected}",
        "Records: {read} read, {accepted} accepted, {rejected} rejected",
    ),
    "records_kind": (
        "  {kind:<14} 读取 {read:>6}  接受 {accepted:>6}  拒绝 {rejected:>6}",
        "  {kind:<14} {read:>6} read {accepted:>6} accepted {rejected:>6} rejected",
    ),
    "subjects": ("审查对象", "Subjects"),
    "findings": ("结论", "findings"),
    "by_rule": ("按规则统计的结论", "Findings by rule"),
    "by_township": ("按乡镇统计的结论", "Findings by township"),
    "rule": ("规则", "rule"),
    "township": ("乡镇", "township"),
    "name": ("名称", "name"),
    "total": ("合计", "total"),
    "to_act": (
        "不合规、缺少输入和错误的结论（按区划）",
        "Non-compliant, missing-input and error findings, by division",
    ),
    "none_to_act": (
        "没有不合规、缺少输入或错误的结论。",
        "No non-compliant, missing-input or error findings.",
    ),
    "source": ("依据", "source"),
    "rejected": ("被拒绝的记录", "Rejected records"),
    "rejected_note": (
        "{n} 条记录被拒绝，未参与审查；运行 careprotect validate 查看",
        "{n} records were rejected and not audited; see careprotect validate",
    ),
    "warnings": ("关于已接受记录的警告", "Warnings about accepted records"),
    "warnings_note": (
        "{n} 条警告（记录已接受）；运行 careprotect validate 查看",
        "{n} warnings about accepted records; see careprotect validate",
    ),
    "entitlements": ("待遇", "Entitlements"),
    "missing": ("缺少输入", "missing input"),
    "totals": ("合计", "Totals"),
    "amount": ("金额（元）", "amount (yuan)"),
    "count": ("笔数", "amounts"),
    "county": ("县级", "county"),
    "payer": ("支付层级", "paying level"),
    "not_split": ("不分级", "not split"),
    "missing_by_rule": ("缺少输入（笔数）", "missing input (amounts)"),
    "plan": ("联系计划", "Contact plan"),
    "month": ("月份 {}", "month {}"),
    "no_worker": ("未找到负责的工作人员", "no responsible worker found"),
    "worker_line": (
        "儿童 {children} 名，尚需联系 {due} 次{unknown}",
        "children: {children}, contacts still due: {due}{unknown}",
    ),
    "worker_unknown": ("，{} 项无法计算", "; {} cannot be computed"),
    "village": ("村", "village"),
    "child": ("儿童", "child"),
    "rule_period": ("周期", "period"),
    "required": ("应联系", "required"),
    "counted": ("已联系", "counted"),
    "still_due": ("尚需", "still due"),
    "last_contact": ("最近联系", "last contact"),
    "no_plan": ("本月没有应联系的儿童。", "No child is due a contact this month."),
    "categories": ("类别", "Categories"),
    "rules": ("规则", "Rules"),
    "id": ("编号", "id"),
    "kind": ("类型", "kind"),
    "subject": ("对象", "subject"),
    "title": ("名称", "title"),
    "scope": ("范围", "scope"),
    "plugin": ("插件", "plugin"),
    "version": ("版本", "version"),
    "sources": ("依据", "sources"),
    "parameters": ("现行参数", "Parameters in force"),
    "no_value": ("无现行值（缺少输入）", "no value in force (missing input)"),
    "from_scope": ("自 {} 起，范围 {}", "from {}, scope {}"),
    "for_division": ("区划 {}，日期 {}", "division {}, on {}"),
    "rests_on_findings": (
        "依据报道来源（{reported_mark}）的结论 {reported} 条，依据假设（{assumed_mark}）的结论 "
        "{assumed} 条（共 {total} 条）",
        "Findings resting on reported values ({reported_mark}): {reported}; on assumed values "
        "({assumed_mark}): {assumed} (of {total})",
    ),
    "rests_on_amounts": (
        "依据报道来源（{reported_mark}）的金额 {reported} 笔，依据假设（{assumed_mark}）的金额 "
        "{assumed} 笔（共 {total} 笔）",
        "Amounts resting on reported values ({reported_mark}): {reported}; on assumed values "
        "({assumed_mark}): {assumed} (of {total})",
    ),
    "state": ("状态", "state"),
    "rule_states": ("规则状态", "Rules and their state"),
    RuleState.IN_FORCE: ("生效", "in force"),
    "partly_day": ("部分范围生效", "in force in part of its scope"),
    "partly_period": ("期间内部分生效", "in force for part of it"),
    RuleState.NOT_YET_IN_FORCE: ("尚未生效", "not yet in force"),
    RuleState.NO_LONGER_IN_FORCE: ("已失效", "no longer in force"),
    RuleState.NOT_IN_FORCE: (
        "未生效（标志参数在任何日期均不为 true）",
        "not in force (its flag is true on no day)",
    ),
    "state_from": ("{scope} 自 {date} 起", "from {date} {scope}"),
    "state_since": ("{scope} 自 {date} 起", "since {date} {scope}"),
    "state_ends": ("{scope} 自 {date} 起失效", "out of force from {date} {scope}"),
    "in_scope": ("{}", "in {}"),
    "nationwide": ("全国", "nationwide"),
    "old_rates": (
        "按生效{months}个月以上的金额标准计发：{n} 笔"
        "（请核查有无新文件：careprotect parameters --stale）",
        "Amounts set by an amount of money in force for more than {months} months: {n} "
        "(check for a newer document: careprotect parameters --stale)",
    ),
    "rectify": ("整改清单", "Rectification list"),
    "rectify_counts": (
        "任务 {total} 项：新增 {new}，仍未完成 {open}，已完成 {done}，未复查 {unchecked}",
        "Tasks: {total} (new {new}, still open {open}, done {done}, not rechecked {unchecked})",
    ),
    "no_tasks": ("没有需要整改的事项。", "Nothing to rectify."),
    "actor": ("责任人", "who acts"),
    "what": ("整改内容", "what to do"),
    "due": ("期限", "due"),
    "task": ("任务编号", "task"),
    "sources_title": ("依据", "Sources"),
    "above_township": ("乡镇以上", "Above township level"),
    "state_new": ("新增", "new"),
    "state_open": ("未完成", "open"),
    "state_done": ("已完成", "done"),
    "state_unchecked": ("未复查", "not rechecked"),
    "tasks": ("整改任务", "tasks"),
    "to_do": ("待整改（新增和未完成）", "to do (new and still open)"),
    "tasks_sheet": ("整改任务", "Tasks"),
    "earlier_sheet": ("以往任务", "Earlier tasks"),
    "tasks_by_township": ("各乡镇整改任务", "Tasks by township"),
    "tasks_by_rule": ("各规则整改任务", "Tasks by rule"),
    "to_do_by_township": ("各乡镇待整改任务", "Tasks to do by township"),
    "to_do_by_rule": ("各规则待整改任务", "Tasks to do by rule"),
    "listed_tasks": (
        "先列待整改任务，后列以往已完成或未复查的任务，各按乡镇、村、责任人排列。",
        "The tasks to do first, then the earlier tasks done or not rechecked, each by "
        "township, village and who acts.",
    ),
    "summary": ("摘要", "Summary"),
    "findings_sheet": ("结论", "Findings"),
    "amounts_sheet": ("金额", "Amounts"),
    "entries_sheet": ("联系计划", "Contacts due"),
    "rejected_sheet": ("被拒绝的记录", "Rejected records"),
    "outcome": ("结论", "outcome"),
    "subject_kind": ("对象类型", "subject kind"),
    "subject_id": ("对象编号", "subject id"),
    "subject_name": ("对象名称", "subject name"),
    "division": ("区划", "division"),
    "date": ("日期", "date"),
    "message": ("说明", "message"),
    "citation_status": ("依据可信度", "citation status"),
    "rests_on": ("依据最弱可信度", "rests on"),
    "worker": ("工作人员", "worker"),
    "line": ("行", "line"),
    "problem": ("问题", "problem"),
    "all": ("全部", "all"),
    "shown_rows": ("显示 {shown} / {total} 行", "{shown} of {total} rows shown"),
    "compliance_by_rule": ("各规则合规情况", "Compliance by rule"),
    "non_compliance_by_township": ("各乡镇不合规结论数", "Non-compliant findings by township"),
    "amounts_by_county": ("各县金额（元）", "Amounts by county (yuan)"),
    "amounts_by_payer": ("各支付层级金额（元）", "Amounts by paying level (yuan)"),
    "due_by_township": ("各乡镇尚需联系次数", "Contacts still due by township"),
    "bars_shown": ("显示前 {shown} 项，共 {total} 项", "the first {shown} of {total} shown"),
    "listed_findings": (
        "下列为不合规、缺少输入和错误的结论（其他结论只计数）。",
        "Listed below: the non-compliant, missing-input and error findings (the others are "
        "only counted).",
    ),
    "capped": (
        "共 {total} 项，本页只列出按读取顺序的前 {shown} 项；完整清单请用 --format xlsx 或 csv。",
        "{total} in all; this page lists the first {shown} in the order read. For the full list "
        "use --format xlsx or csv.",
    ),
    "filter": ("筛选", "Filter"),
    "paid": ("应发", "due"),
    "state_of_amount": ("状态", "state"),
    "contacts_due": ("尚需联系次数", "contacts still due"),
    "masked_note": (
        "姓名和身份证号已遮蔽（--reveal 显示）。",
        "Names and ID numbers are masked (--reveal shows them).",
    ),
    "revealed_note": (
        "本报告含未遮蔽的姓名和身份证号，属敏感个人信息。",
        "This report shows names and ID numbers unmasked: it holds sensitive personal data.",
    ),
    "made_by": ("由 careprotect {version} 生成", "Made by careprotect {version}"),
    "status:confirmed": ("已核实", "confirmed"),
    "status:reported": ("据报道", "reported"),
    "status:assumed": ("假定", "assumed"),
    "marks_legend": (
        "{reported_mark} 据报道的来源；{assumed_mark} 假定（建模选择）",
        "{reported_mark} a reported source; {assumed_mark} an assumption (a modelling choice)",
    ),
}

MARKS: Mapping[Status, str] = {Status.CONFIRMED: "", Status.REPORTED: "†", Status.ASSUMED: "‡"}
"""The mark a table puts on a finding, an amount or a source resting on a reported or an
assumed value."""


def text(key: str, lang: Lang) -> str:
    """A label in ``lang``."""
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def status_text(status: str, lang: Lang) -> str:
    """A citation's status (its value: ``confirmed``, ``reported``, ``assumed``) in words."""
    return text(f"status:{status}", lang)


def binary_of(out: TextIO) -> IO[bytes]:
    """The bytes under the text stream ``out`` (a workbook is not text), what was written
    to ``out`` flushed first."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        raise ValueError("a workbook is written to a binary stream: give a file opened in binary")
    out.flush()
    binary: IO[bytes] = buffer
    return binary


def rests_on_line(counts: Mapping[str, int], lang: Lang, *, amounts: bool = False) -> str:
    """The summary line counting the findings (or ``amounts``) by the status they rest on,
    with the marks of :data:`MARKS` as its legend."""
    return text("rests_on_amounts" if amounts else "rests_on_findings", lang).format(
        reported_mark=MARKS[Status.REPORTED],
        reported=counts.get(Status.REPORTED.value, 0),
        assumed_mark=MARKS[Status.ASSUMED],
        assumed=counts.get(Status.ASSUMED.value, 0),
        total=sum(counts.values()),
    )


def status_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts by status as JSON: every status, strongest first, zeros included."""
    return {s.value: counts.get(s.value, 0) for s in Status}


def _where(scope: Scope, lang: Lang) -> str:
    return text("nationwide", lang) if scope is None else text("in_scope", lang).format(scope)


def rule_state_text(status: RuleStatus, lang: Lang) -> str:
    """A rule's state in words: ``in force``, ``not yet in force (from 2020-12-17 in
    4212)``, ``no longer in force (since 2025-01-01 in 43)``, ``in force for part of it
    (from 2020-12-17 in 4212)``."""
    state = status.state
    if state is RuleState.PARTLY_IN_FORCE:
        label = text("partly_day" if status.first == status.last else "partly_period", lang)
    else:
        label = text(state, lang)
    since = "state_since" if state is RuleState.NO_LONGER_IN_FORCE else "state_ends"
    pieces = [
        text(key, lang).format(date=day.isoformat(), scope=_where(scope, lang))
        for key, changes in (("state_from", status.starts), (since, status.ends))
        for day, scope in changes
    ]
    if state is RuleState.PARTLY_IN_FORCE and not pieces:
        pieces = [_where(scope, lang) for scope in status.in_force_in]
    if not pieces:
        return label
    separator = "；" if lang == "zh" else "; "
    return (
        f"{label}（{separator.join(pieces)}）"
        if lang == "zh"
        else f"{label} ({separator.join(pieces)})"
    )


def rule_states_table(states: Iterable[RuleStatus], lang: Lang) -> Table:
    """The table of the rules and their states (rich is imported)."""
    table = new_table(text("rule", lang), text("state", lang), title=text("rule_states", lang))
    for status in states:
        table.add_row(status.rule, rule_state_text(status, lang))
    return table


def headline(what: str, plugins: Iterable[PluginInfo], lang: Lang) -> str:
    """A table report's first line: what it covers, then the plugins loaded
    (``audit · as of 2020-06-30 · plugins: national 0.1 (national)``)."""
    return f"{what} · {text('plugins', lang)}: " + ", ".join(str(p) for p in plugins)


def records_line(counts: LoadCounts, lang: Lang) -> str:
    """How many records were read, accepted and rejected, in all."""
    return text("records", lang).format(
        read=counts.read, accepted=counts.accepted, rejected=counts.rejected
    )


def read_notes(rejections: Sized, warnings: Sized, lang: Lang) -> list[str]:
    """The notes a summary ends with: how many records were rejected and how many warnings
    there are about accepted ones (each only when there are any), and where to see them."""
    notes = []
    if rejections:
        notes.append(text("rejected_note", lang).format(n=len(rejections)))
    if warnings:
        notes.append(text("warnings_note", lang).format(n=len(warnings)))
    return notes


def rule_states_json(states: Iterable[RuleStatus]) -> list[dict[str, Any]]:
    """Rule states as JSON (:meth:`RuleStatus.as_dict`), in the order given."""
    return [s.as_dict() for s in states]


# -- shared pieces -----------------------------------------------------------------------------


def plugins_json(plugins: Iterable[PluginInfo]) -> list[dict[str, str]]:
    """The loaded plugins as JSON: name, version and scope (a division code or ``national``)."""
    return [{"name": p.name, "version": p.version, "scope": scope_label(p.scope)} for p in plugins]


def rejection_json(rejection: Rejection) -> dict[str, Any]:
    """A rejected record as JSON: its number, line or location, kind, (masked) id, the path
    and message of its first problem, and every problem."""
    return {
        "record": rejection.record,
        "line": rejection.line,
        "location": rejection.location,
        "kind": rejection.kind.value if rejection.kind else None,
        "id": rejection.record_id,
        "path": rejection.path,
        "error": rejection.message,
        "problems": [{"path": p.path, "message": p.message} for p in rejection.problems],
    }


def warning_json(warning: RecordWarning) -> dict[str, Any]:
    """A warning about an accepted record as JSON: its number, line or location, kind,
    (masked) id, and the path and message of the warning."""
    return {
        "record": warning.record,
        "line": warning.line,
        "location": warning.location,
        "kind": warning.kind.value if warning.kind else None,
        "id": warning.record_id,
        "path": warning.path,
        "message": warning.message,
    }


def warnings_json(warnings: Iterable[RecordWarning]) -> dict[str, Any]:
    """``{"warnings": [...]}`` when there are any, else ``{}``: a report without warnings
    keeps the form it had before warnings existed."""
    listed = [warning_json(w) for w in warnings]
    return {"warnings": listed} if listed else {}


def records_json(counts: LoadCounts) -> dict[str, Any]:
    """Record counts as JSON: read, accepted and rejected, in all and by kind."""
    return {
        "read": counts.read,
        "accepted": counts.accepted,
        "rejected": counts.rejected,
        "by_kind": {
            kind: {"read": c.read, "accepted": c.accepted, "rejected": c.rejected}
            for kind, c in counts.by_kind.items()
        },
    }


def read_records_json(
    rejections: Iterable[Rejection], warnings: Iterable[RecordWarning], counts: LoadCounts
) -> dict[str, Any]:
    """What every JSON report ends with, from the registry as read: ``rejected`` (each
    rejected record), ``warnings`` (when there are any) and ``records`` (the counts)."""
    return {
        "rejected": [rejection_json(r) for r in rejections],
        **warnings_json(warnings),
        "records": records_json(counts),
    }


def township_of(division: Division) -> Division:
    """The township ``division`` lies in (itself at township level); a division above
    township level stands for itself."""
    for d in (*division.ancestors, division):
        if d.level is Level.TOWNSHIP:
            return d
    return division


def place(division: Division, reference: ReferenceData) -> str:
    """A division's code with the names the registry gives it and its ancestors from the
    county down (``421281101201 赤壁市 样板镇 桃园村``), any ID number in them masked."""
    chain = [d for d in (*division.ancestors, division) if d.level >= Level.COUNTY or d is division]
    names = [n for d in chain if (n := reference.division_name(d))]
    return scrub(" ".join([str(division), *names]))


def write_line(text_: str, out: TextIO) -> None:
    out.write(text_)
    out.write("\n")


def console_for(out: TextIO) -> Console:
    from rich.console import Console

    terminal = out.isatty()
    return Console(
        file=out,
        width=None if terminal else TABLE_WIDTH,
        highlight=False,
        markup=False,
        emoji=False,
    )


def show(console: Console, *renderables: Any, **options: Any) -> None:
    """Print to a terminal as rich does; to a file or a pipe without the trailing spaces
    rich pads lines with."""
    if console.is_terminal:
        console.print(*renderables, **options)
        return
    with console.capture() as captured:
        console.print(*renderables, **options)
    _write_lines(console, captured.get().splitlines())


def _write_lines(console: Console, lines: Iterable[str]) -> None:
    """``lines`` to the console's file, each without trailing spaces."""
    console.file.write("".join(line.rstrip() + "\n" for line in lines))


def show_plain(console: Console, text_: str) -> bool:
    """Write ``text_`` as :func:`show` writes a rich ``Text`` of it without styles, when
    rich would write it unchanged: to a file or a pipe, in no colour, every line printable.
    Returns whether it was written (else show it with rich). Rich takes ~100 µs a block,
    which a report of many thousand findings feels."""
    if console.is_terminal or console.color_system is not None:
        return False
    if not text_.replace("\n", "").isprintable():
        return False
    _write_lines(console, text_.split("\n"))
    return True


def new_table(*columns: str, right: Iterable[int] = (), title: str | None = None) -> Table:
    """A table whose first column (an id or a code) is never wrapped, and whose columns
    ``right`` are right-aligned (numbers)."""
    from rich import box
    from rich.table import Table

    right = set(right)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for i, column in enumerate(columns):
        table.add_column(
            column, justify="right" if i in right else "left", overflow="fold", no_wrap=i == 0
        )
    return table


def open_json(head: Mapping[str, Any]) -> str:
    """``head`` as JSON text without its closing brace, to be continued."""
    return dumps(dict(head))[:-1]


def byte_writer(out: TextIO) -> Callable[[bytes | memoryview], object]:
    """A function that writes UTF-8 text, given as bytes, to ``out``: straight to its binary
    buffer when it has one and writes UTF-8 without translating line ends, else decoded.
    What was written to ``out`` before is flushed first; text written to ``out`` after
    the bytes follows them."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None) or ""
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    if buffer is None or not utf8 or os.linesep != "\n":
        return lambda data: out.write(bytes(data).decode("utf-8"))
    out.flush()
    write: Callable[[bytes | memoryview], object] = buffer.write
    return write


class JsonStream:
    """One JSON document written as it goes: the ``head`` keys, then ``key`` as an array of
    items one per line, then the ``tail`` keys. Memory does not grow with the items."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._first = True

    def start(self, head: Mapping[str, Any], key: str) -> None:
        self.out.write(open_json(head) + f", {dumps(key)}: [")

    def item(self, data: Mapping[str, Any]) -> None:
        self.item_text(dumps(dict(data)))

    def item_text(self, text_: str) -> None:
        """An item already written as JSON text (on one line)."""
        self.out.write(("\n" if self._first else ",\n") + text_)
        self._first = False

    SEPARATOR = b",\n"
    """What comes before each item given to :meth:`items_bytes`."""

    def items_bytes(self, data: bytes) -> None:
        """Items already written as JSON text (each on one line, after :attr:`SEPARATOR`)
        and encoded as UTF-8, any number of them. Items given as bytes go straight to the
        output's binary buffer (see :func:`byte_writer`): give them all after :meth:`start`
        and before :meth:`finish`, never mixed with :meth:`item_text`."""
        if not data:
            return
        if not data.startswith(self.SEPARATOR):
            raise ValueError("JSON items given as bytes must each start with JsonStream.SEPARATOR")
        if self._first:
            self._write_bytes = byte_writer(self.out)
            self._write_bytes(memoryview(data)[1:])  # the first item follows no comma
            self._first = False
        else:
            self._write_bytes(data)

    def finish(self, tail: Mapping[str, Any]) -> None:
        self.out.write("]" if self._first else "\n]")
        self.out.write(", " + dumps(dict(tail))[1:] + "\n")
