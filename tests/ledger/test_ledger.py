"""Excel ledgers: the layout derived from the model, the template, export then import, the
rejections by sheet, row and column, and a ledger filled in by hand (tests/data)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from careprotect import Registry, load_registry, write_registry
from careprotect.citizen_id import CitizenId
from careprotect.cli import main
from careprotect.ledger import LedgerUnavailableError, load_openpyxl
from careprotect.ledger.cells import read_cell
from careprotect.ledger.labels import ENUM_ALIASES, ENUM_LABELS
from careprotect.ledger.layout import LAYOUT, ColumnType, sheet_of
from careprotect.ledger.opening import load_registry as load_any
from careprotect.ledger.opening import open_registry
from careprotect.ledger.stream import LedgerStream
from careprotect.ledger.writer import INSTRUCTIONS, LISTS_TITLE, write_ledger, write_template
from careprotect.model import Child, ServicePoint, Worker
from careprotect.testing import consistent_registries

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-registry.jsonl"
MESSY = ROOT / "tests" / "data" / "messy-ledger.xlsx"


def export(registry: Registry, path: Path) -> Path:
    with path.open("wb") as out:
        write_ledger(out, registry.reference, registry.children)
    return path


def column(sheet: str, en: str) -> Any:
    return next(c for c in sheet_of(sheet).columns if c.en == en)


# -- the layout ----------------------------------------------------------------------------------


def test_every_field_of_the_model_has_a_column_or_a_sheet() -> None:
    """The layout is derived from the attrs classes: each field of a record or of an item is
    a column of its sheet (an optional object's fields each a column), and each list a
    sheet."""
    for sheet in LAYOUT:
        columns = {c.path[0] for c in sheet.fields}
        lists = {sheet_of(name).path[-1] for name in sheet.children}
        assert columns | lists == {f.name for f in attrs.fields(sheet.cls)}, sheet.name


def test_the_sheets_are_those_of_the_issue_in_order() -> None:
    """Reference sheets first, then the children and their lists; each list sheet links to
    its record by id, and a guardian's disqualifications to the guardianship's number."""
    assert [s.name for s in LAYOUT] == [
        "divisions",
        "workers",
        "trainings",
        "service_points",
        "model_designations",
        "service_agreements",
        "children",
        "parent_situations",
        "guardianships",
        "disqualifications",
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
    ]
    assert [(c.zh, c.en) for c in sheet_of("disqualifications").links] == [
        ("儿童编号", "child_id"),
        ("监护情况序号", "guardianships_number"),
    ]
    assert column("children", "birth_date").kind is ColumnType.DATE
    assert column("children", "citizen_id").kind is ColumnType.ID_NUMBER
    assert column("contacts", "topics").kind is ColumnType.CHOICES


def test_import_careprotect_does_not_import_openpyxl() -> None:
    """openpyxl is the optional extra 'excel': importing the library never loads it."""
    code = "import sys, careprotect, careprotect.ledger.opening; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_openpyxl_a_ledger_verb_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without openpyxl: one line naming the extra, exit status 2, no traceback."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(LedgerUnavailableError):
        load_openpyxl()
    status = main(["template", "ledger", "-o", str(tmp_path / "t.xlsx")])
    err = capsys.readouterr().err
    assert status == 2
    assert "pip install 'careprotect[excel]'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "t.xlsx").exists()


# -- the template ---------------------------------------------------------------------------


def test_the_template_has_instructions_headers_lists_and_date_cells(tmp_path: Path) -> None:
    """The first sheet explains; each sheet has Chinese then English headers (required
    columns marked *); choice columns validate against their Chinese labels; date columns
    take dates."""
    path = tmp_path / "t.xlsx"
    with path.open("wb") as out:
        write_template(out)
    book = load_workbook(path)
    assert book.sheetnames[:3] == [INSTRUCTIONS, LISTS_TITLE, "行政区划"]
    assert book[LISTS_TITLE].sheet_state == "hidden"
    assert "填写说明" in str(book[INSTRUCTIONS]["A1"].value)
    ws = book["儿童信息"]
    assert [c.value for c in ws[1]][:4] == ["儿童编号*", "姓名*", "出生日期*", "性别*"]
    assert [c.value for c in ws[2]][:4] == ["id", "name", "birth_date", "sex"]
    assert ws.freeze_panes == "A3"
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    sex = validations["D3:D1048576"]
    assert sex.type == "list"
    first, last = sex.formula1.split("!")[1].replace("$", "").split(":")
    labels = [book[LISTS_TITLE][f"{first[0]}{r}"].value for r in range(1, int(last[1:]) + 1)]
    assert labels == ["男", "女"]
    assert validations["C3:C1048576"].type == "date"


# -- export then import ------------------------------------------------------------------------


@settings(max_examples=25)
@given(consistent_registries(max_children=3, max_workers=3, max_service_points=2))
def test_export_then_import_gives_back_the_same_registry(registry: Registry) -> None:
    """Every field of every record survives a ledger: lists, nested lists, optional
    objects, sets of choices, decimals and dates."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_any(export(registry, Path(tmp) / "r.xlsx"))
    assert loaded.rejections == ()
    assert loaded.registry == registry


def test_the_sample_registry_exported_and_imported_is_the_same_and_audits_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/sample-registry.jsonl through export, import and audit: the same registry
    and the same findings as the JSON registry's."""
    ledger = tmp_path / "sample.xlsx"
    assert main(["export", str(SAMPLE), "-o", str(ledger)]) == 0
    assert main(["import", str(ledger), "-o", str(tmp_path / "back.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "sheet 走访联系 (contacts): 8937 rows read, 8937 accepted, 0 rejected" in err
    assert load_registry(tmp_path / "back.jsonl").registry == load_registry(SAMPLE).registry
    reports = []
    for source in (SAMPLE, ledger):
        status = main(["audit", str(source), "--as-of", "2020-06-30", "--format", "json"])
        reports.append((status, json.loads(capsys.readouterr().out)))
    assert reports[0][1]["findings"] == reports[1][1]["findings"]
    assert reports[0] == reports[1]


_INLINE_CELL = re.compile(r'(<c [^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>([^<]*)</t></is></c>')


def _as_excel_saves_it(source: Path, target: Path) -> int:
    """``source`` rewritten with every text cell in the shared strings table, as Excel and
    LibreOffice save a workbook (openpyxl writes text into the cells); the number of texts
    in the table. The first text is written in two runs of rich text, as Excel writes a cell
    partly formatted."""
    table: dict[str, int] = {}

    def shared(m: re.Match[str]) -> str:
        i = table.setdefault(m.group(3), len(table))
        return f'{m.group(1)}t="s"{m.group(2)}><v>{i}</v></c>'

    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _INLINE_CELL.sub(shared, data.decode()).encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                link = f'<Relationship Type="{relation}" Target="/xl/sharedStrings.xml" Id="rS"/>'
                data = data.replace(b"</Relationships>", link.encode() + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                part = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
                data = data.replace(b"</Types>", part.encode() + b"</Types>")
            zout.writestr(info, data)
        texts = list(table)
        first = texts[0]
        items = [f"<si><r><t>{first[:1]}</t></r><r><t>{first[1:]}</t></r></si>"]
        items += [f"<si><t>{t}</t></si>" for t in texts[1:]]
        zout.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'uniqueCount="{len(texts)}">{"".join(items)}</sst>',
        )
    return len(texts)


def test_a_ledger_saved_by_excel_reads_as_the_same_registry(tmp_path: Path) -> None:
    """A ledger as Excel saves it keeps its text in the shared strings table: it reads as the
    ledger it was saved from, row for row."""
    exported = tmp_path / "exported.xlsx"
    assert main(["export", str(SAMPLE), "-o", str(exported)]) == 0
    saved = tmp_path / "saved.xlsx"
    assert _as_excel_saves_it(exported, saved) > 1000
    with zipfile.ZipFile(saved) as z:
        assert 't="inlineStr"' not in z.read("xl/worksheets/sheet4.xml").decode()
    original, resaved = load_any(exported), load_any(saved)
    assert resaved.rejections == ()
    assert resaved.registry == original.registry == load_registry(SAMPLE).registry


# -- rejections ----------------------------------------------------------------------------


def _small_registry() -> Registry:
    return load_registry(ROOT / "tests" / "data" / "small-registry.jsonl").registry


def test_a_wrong_check_digit_and_an_impossible_date_are_rejected_at_their_cells(
    tmp_path: Path,
) -> None:
    """A citizen ID with a wrong check character and a contact on 2020-02-30: each
    rejection names the sheet, the row and the column; per sheet, rows read = accepted +
    rejected; the ID number is masked."""
    registry = _small_registry()
    path = export(registry, tmp_path / "r.xlsx")
    book = load_workbook(path)
    children = book["儿童信息"]
    ids = [c.value for c in children["G"][2:]]
    row = next(i for i, v in enumerate(ids, start=3) if v)
    good = str(children[f"G{row}"].value)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    children[f"G{row}"] = wrong
    bad_child = children[f"A{row}"].value
    contacts = book["走访联系"]
    at = next(r for r in range(3, contacts.max_row + 1) if contacts[f"A{r}"].value != bad_child)
    contacts[f"B{at}"] = "2020-02-30"
    contact_child = contacts[f"A{at}"].value
    book.save(path)

    with open_registry(path) as stream:
        assert isinstance(stream, LedgerStream)
        accepted = list(stream.children())
        rejections = stream.rejections
        sheets = {c.sheet: c for c in stream.sheet_counts}
    texts = [str(r) for r in rejections]
    assert any(
        f"儿童信息 (children) row {row}, column G 身份证号 (citizen_id): has a wrong check "
        "character" in t
        for t in texts
    ), texts
    assert any(
        f"走访联系 (contacts) row {at}, column B 日期 (date): must be a real date YYYY-MM-DD "
        "(got '2020-02-30')" in t
        for t in texts
    ), texts
    assert wrong not in "".join(texts)
    rejected_ids = {bad_child, contact_child}
    assert {c.id for c in accepted} == {c.id for c in registry.children} - rejected_ids
    for counts in sheets.values():
        assert counts.read == counts.accepted + counts.rejected
    assert sheets["children"].rejected == len(rejected_ids)
    assert sheets["children"].read == len(registry.children)
    child_contacts = sum(len(c.contacts) for c in registry.children if c.id in rejected_ids)
    assert sheets["contacts"].rejected == child_contacts


def test_rows_of_a_record_not_in_the_ledger_are_rejected_and_counted(tmp_path: Path) -> None:
    """A contact of a child with no row, and one with no child id: rejected with their
    cells, counted as read and rejected."""
    registry = _small_registry()
    path = export(registry, tmp_path / "r.xlsx")
    book = load_workbook(path)
    contacts = book["走访联系"]
    contacts["A3"] = "NO-SUCH-CHILD"
    contacts["A4"] = None
    book.save(path)
    loaded = load_any(path)
    texts = [str(r) for r in loaded.rejections]
    assert any(
        "走访联系 (contacts) row 3, column A 儿童编号 (child_id): refers to no row of "
        "儿童信息 (children) (got 'NO-SUCH-CHILD')" in t
        for t in texts
    ), texts
    assert any("row 4, column A 儿童编号 (child_id): must not be empty" in t for t in texts)
    assert loaded.counts.read == loaded.counts.accepted + loaded.counts.rejected
    with open_registry(path) as stream:
        assert isinstance(stream, LedgerStream)
        list(stream.children())
        contacts_count = next(c for c in stream.sheet_counts if c.sheet == "contacts")
    assert contacts_count.rejected == 2
    assert contacts_count.read == sum(len(c.contacts) for c in registry.children)


def test_a_file_that_is_not_a_workbook_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "not.xlsx"
    path.write_text("not a workbook\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"careprotect: ledger is not an Excel workbook (.xlsx) that can be read: {path} "
        "(BadZipFile)\n"
    )


# -- messy input ---------------------------------------------------------------------------


def test_a_ledger_filled_in_by_hand_imports_correctly() -> None:
    """tests/data/messy-ledger.xlsx: a title merged above merged header cells, Chinese
    headers without the English row, columns in another order, dates as date cells, text
    in three forms and a serial number, an ID number as a number and one with full-width
    digits and blanks, Chinese labels and English codes, blank trailing rows."""
    loaded = load_any(MESSY)
    assert loaded.rejections == ()
    assert [str(w) for w in loaded.warnings] == [
        "record 8 (儿童信息 (children) row 5, child 'C2'): 儿童信息 (children) row 5, column G "
        "身份证号 (citizen_id) was normalised: full-width characters were made ASCII (NFKC)"
    ]
    registry = loaded.registry
    assert [str(d.code) for d in registry.reference.divisions] == [
        "43",
        "433122",
        "433122100",
        "433122100201",
    ]
    worker = registry.reference.workers[0]
    assert isinstance(worker, Worker)
    assert (worker.role.value, worker.appointed_on) == ("child_director", dt.date(2019, 9, 1))
    assert {p.value for p in worker.posts} == {
        "womens_federation_chair",
        "village_committee_member",
    }
    assert [(t.date, t.days, t.passed) for t in worker.trainings] == [
        (dt.date(2019, 8, 20), 3, True),
        (dt.date(2020, 10, 17), 2, True),
    ]
    point = registry.reference.service_points[0]
    assert isinstance(point, ServicePoint)
    assert (str(point.floor_area_m2), str(point.outdoor_area_m2)) == ("60", "120.5")
    assert (point.in_school, point.opened_on) == (False, dt.date(2019, 10, 1))
    c1, c2 = registry.children
    assert isinstance(c1, Child)
    assert c1.citizen_id == CitizenId("433122201001012992")
    assert c2.citizen_id == CitizenId("433122201203050129")
    assert (c2.birth_date, c2.sex.value, c2.household.value) == (
        dt.date(2012, 3, 5),
        "female",
        "rural",
    )
    assert c2.disability is not None
    assert c2.disability.certified_on == dt.date(2019, 6, 1)
    assert [(s.parent.value, s.start) for s in c1.parent_situations] == [
        ("father", dt.date(2016, 4, 5)),
        ("mother", dt.date(2016, 4, 5)),
    ]
    (guardianship,) = c1.guardianships
    assert guardianship.confirmation_signed_on == dt.date(2016, 5, 10)
    assert [d.kind.value for d in guardianship.disqualifications] == ["alcoholism"]
    assert [(c.date, c.mode.value, sorted(t.value for t in c.topics)) for c in c1.contacts] == [
        (dt.date(2020, 6, 1), "home_visit", ["safety", "study"]),
        (dt.date(2020, 6, 15), "phone", ["daily_life"]),
    ]
    assert [c.date for c in c2.contacts] == [dt.date(2020, 6, 15)]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (dt.datetime(2020, 6, 30), "2020-06-30"),
        ("2020-06-30", "2020-06-30"),
        ("2020/6/30", "2020-06-30"),
        ("2020年6月30日", "2020-06-30"),
        ("２０２０年６月３０日", "2020-06-30"),
        ("2020.6.30", "2020-06-30"),
        ("20200630", "2020-06-30"),
        (44012, "2020-06-30"),
        ("2020/2/30", "2020-02-30"),  # no real day: the converter says so
        ("June 30", "June 30"),
        ("  ", None),
    ],
)
def test_dates_are_read_in_the_forms_people_type(typed: Any, read: str | None) -> None:
    assert read_cell(typed, column("children", "birth_date")) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (" 4301 0519491231 002X ", "43010519491231002X"),
        (430105194912310021, "430105194912310021"),
        ("４３０１０５１９４９１２３１００２Ｘ", "４３０１０５１９４９１２３１００２Ｘ"),
    ],
)
def test_id_numbers_lose_their_blanks_and_numbers_become_text(typed: Any, read: str) -> None:
    """Full-width digits are left to the converter, which makes them ASCII and warns."""
    assert read_cell(typed, column("children", "citizen_id")) == read


def test_choices_read_chinese_labels_and_english_codes() -> None:
    sex = column("children", "sex")
    assert [read_cell(v, sex) for v in ("男", "female", "FEMALE", "妖")] == [
        "male",
        "female",
        "female",
        "妖",
    ]
    topics = column("contacts", "topics")
    assert read_cell("学习、安全,daily_life；心理健康", topics) == [
        "study",
        "safety",
        "daily_life",
        "mental_health",
    ]
    passed = column("trainings", "passed")
    assert [read_cell(v, passed) for v in ("是", "否", True, 0, "yes", "maybe")] == [
        True,
        False,
        True,
        False,
        True,
        "maybe",
    ]


def test_labels_of_earlier_ledgers_still_read() -> None:
    """Ledgers written before the ledger's labels took the policy documents' words (and became
    the reports' labels too) hold the earlier labels: each still reads as its code."""
    assert read_cell("心理辅导员", column("workers", "role")) == "counsellor"
    assert read_cell("心理咨询师", column("workers", "role")) == "counsellor"
    assert read_cell("乡镇领导班子成员、学校领导；村(居)委会委员", column("workers", "posts")) == [
        "township_leadership",
        "school_leadership",
        "village_committee_member",
    ]
    assert read_cell("村（居）民委员会委员", column("workers", "posts")) == [
        "village_committee_member"
    ]
    assert read_cell("社会组织", column("service_points", "kind")) == "social_organisation"


@given(st.sampled_from([m for e in ENUM_LABELS for m in e]))
def test_every_label_and_code_reads_as_its_member(member: Any) -> None:
    """A member's label, earlier label and code each read back as its code, in every
    enumeration the ledger shows."""
    spellings = [ENUM_LABELS[type(member)][member.value], member.value]
    spellings += [
        a for a, code in ENUM_ALIASES.get(type(member), {}).items() if code == member.value
    ]
    columns = [c for sheet in LAYOUT for c in sheet.columns if c.choices is type(member)]
    assert columns
    for c in columns:
        read = [read_cell(s, c) for s in spellings]
        one = member.value if c.kind is ColumnType.CHOICE else [member.value]
        assert read == [one] * len(spellings)


def test_write_registry_lines_and_ledger_agree(tmp_path: Path) -> None:
    """A ledger converted by 'careprotect import' is the JSON Lines registry write_registry
    writes for the same records."""
    registry = _small_registry()
    ledger = export(registry, tmp_path / "r.xlsx")
    assert main(["import", str(ledger), "-o", str(tmp_path / "a.jsonl")]) == 0
    write_registry(tmp_path / "b.jsonl", registry.reference, registry.children)
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8") == (tmp_path / "b.jsonl").read_text(
        encoding="utf-8"
    )


def test_an_audit_of_a_ledger_with_a_bad_cell_fits_the_report_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rejection from a ledger has no line, its row as location and cells as paths; the
    audit's JSON report still validates against its schema."""
    from jsonschema import Draft202012Validator

    path = export(_small_registry(), tmp_path / "r.xlsx")
    book = load_workbook(path)
    book["儿童信息"]["C3"] = "2010/2/30"
    book.save(path)
    main(["audit", str(path), "--as-of", "2020-06-30", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    schema = json.loads((ROOT / "docs" / "schema" / "audit-report.schema.json").read_text())
    Draft202012Validator(schema).validate(doc)
    (rejected,) = doc["rejected"]
    assert (rejected["line"], rejected["location"]) == (None, "儿童信息 (children) row 3")
    assert rejected["path"] == "儿童信息 (children) row 3, column C 出生日期 (birth_date)"
    assert doc["records"]["read"] == doc["records"]["accepted"] + doc["records"]["rejected"]
