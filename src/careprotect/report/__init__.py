"""Reports: audits, entitlements, contact plans, rectification lists and the catalogue as
tables, JSON and CSV; audits, entitlements, plans and rectification lists also as Excel
workbooks and self-contained HTML pages (docs/reports.md).

Each report is written as its records come: a writer receives a header, then one record at a
time (a finding, an amount), then what is known only at the end (the summary or the totals,
the rejected records, the record counts). The JSON and CSV writers hold nothing per record,
so memory stays flat however large the registry. The audit table groups findings by division,
so it spools the non-compliant and missing-input findings to a temporary SQLite file and reads
them back sorted; the entitlements table prints each subject's amounts as they come.

Formats are documented in docs/cli.md; the audit's JSON document follows
docs/schema/audit-report.schema.json and the entitlements' JSON document
docs/schema/entitlements-report.schema.json, and the rectification list's
docs/schema/rectify-report.schema.json.

Importing this package needs neither click nor rich: rich is imported only to draw a table.
"""

from careprotect.report._base import (
    FORMATS,
    LANGS,
    Format,
    Lang,
    Progress,
    language_from_env,
    place,
    plugins_json,
    records_json,
    rejection_json,
    text,
    township_of,
    warning_json,
    warnings_json,
)
from careprotect.report.audit import (
    AUDIT_CSV_COLUMNS,
    AuditEnd,
    AuditHeader,
    AuditWriter,
    CsvAuditWriter,
    JsonAuditWriter,
    TableAuditWriter,
    run_audit,
)
from careprotect.report.audit_views import (
    AUDIT_WRITERS,
    HtmlAuditWriter,
    LinesRender,
    XlsxAuditWriter,
)
from careprotect.report.catalogue import (
    parameters_report,
    plugins_report,
    rules_report,
    write_catalogue,
    write_validation,
)
from careprotect.report.entitlement_views import (
    ENTITLEMENTS_WRITERS,
    HtmlEntitlementsWriter,
    XlsxEntitlementsWriter,
)
from careprotect.report.entitlements import (
    ENTITLEMENT_CSV_COLUMNS,
    CsvEntitlementsWriter,
    EntitlementsEnd,
    EntitlementsHeader,
    EntitlementsWriter,
    JsonEntitlementsWriter,
    TableEntitlementsWriter,
    cover,
    money_parameters,
    range_text,
    run_entitlements,
)
from careprotect.report.optional import require_format
from careprotect.report.plan import PLAN_CSV_COLUMNS, PlanEnd, plan_rule_states, write_plan
from careprotect.report.rectify import (
    RECTIFY_CSV_COLUMNS,
    rectify_summary,
    task_row,
    write_rectify,
)
from careprotect.report.split import SplitAuditWriter

__all__ = [
    "AUDIT_CSV_COLUMNS",
    "AUDIT_WRITERS",
    "ENTITLEMENTS_WRITERS",
    "ENTITLEMENT_CSV_COLUMNS",
    "FORMATS",
    "LANGS",
    "PLAN_CSV_COLUMNS",
    "RECTIFY_CSV_COLUMNS",
    "AuditEnd",
    "AuditHeader",
    "AuditWriter",
    "CsvAuditWriter",
    "CsvEntitlementsWriter",
    "EntitlementsEnd",
    "EntitlementsHeader",
    "EntitlementsWriter",
    "Format",
    "HtmlAuditWriter",
    "HtmlEntitlementsWriter",
    "JsonAuditWriter",
    "JsonEntitlementsWriter",
    "Lang",
    "LinesRender",
    "PlanEnd",
    "Progress",
    "SplitAuditWriter",
    "TableAuditWriter",
    "TableEntitlementsWriter",
    "XlsxAuditWriter",
    "XlsxEntitlementsWriter",
    "cover",
    "language_from_env",
    "money_parameters",
    "parameters_report",
    "place",
    "plan_rule_states",
    "plugins_json",
    "plugins_report",
    "range_text",
    "records_json",
    "rectify_summary",
    "rejection_json",
    "require_format",
    "rules_report",
    "run_audit",
    "run_entitlements",
    "task_row",
    "text",
    "township_of",
    "warning_json",
    "warnings_json",
    "write_catalogue",
    "write_plan",
    "write_rectify",
    "write_validation",
]
