"""The national baseline: a built-in plugin using the same hooks as any province.

It defines the national categories of children (POLICY.md §2) and the national parameters
(age limits, the orphan allowance minimums, the de facto unsupported child's terms and
allowance) with their citations, in ``parameters.toml`` and ``entitlements.toml``. Each
citation carries its confidence (confirmed, reported, assumed): a national fact that is only
reported is still the national value, marked so, and holds until a province plugin gives its
own value for its scope (how long "out of contact" must last, the date the
民发〔2020〕125号 additions apply). Only the look-back for reports of improper guardianship,
on which nothing is known, is declared without a national value: a province plugin supplies
it, and until one does the answer is "missing input".
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from careprotect.divisions import Division
from careprotect.findings import Message
from careprotect.hookspecs import hookimpl
from careprotect.params import PluginInfo
from careprotect.rules.agreements import NATIONAL_RULES as AGREEMENT_RULES
from careprotect.rules.base import CategoryRule, Rule
from careprotect.rules.categories import (
    DeFactoUnsupported,
    DifficultyDisability,
    DifficultyGuardianship,
    DifficultyPoverty,
    LeftBehind,
    Orphan,
)
from careprotect.rules.entitlements import NATIONAL_RULES as ENTITLEMENT_RULES
from careprotect.rules.guardianship import NATIONAL_RULES as GUARDIANSHIP_RULES
from careprotect.rules.staffing import NATIONAL_RULES as STAFFING_RULES

__all__ = ["CATEGORIES", "NAME", "RULES"]

NAME = "national"

try:
    _VERSION = version("careprotect")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    _VERSION = "0+unknown"

CATEGORIES: tuple[CategoryRule, ...] = (
    LeftBehind(
        id="left_behind",
        title=Message("农村留守儿童", "Rural left-behind child"),
        citations=("gf-2016-13",),
        max_age="left_behind.max_age",
    ),
    Orphan(
        id="orphan",
        title=Message("孤儿", "Orphan"),
        citations=("gbf-2010-54",),
        max_age="orphan.max_age",
    ),
    DeFactoUnsupported(
        id="de_facto_unsupported",
        title=Message("事实无人抚养儿童", "De facto unsupported child"),
        citations=("mf-2019-62", "mf-2019-62-terms", "mf-2020-125", "mf-2020-125-start"),
        max_age="de_facto_unsupported.max_age",
        additions="de_facto_unsupported.includes_revoked_and_deported",
        out_of_contact_months="de_facto_unsupported.out_of_contact_months",
        defined="de_facto_unsupported.category_applies",
        min_term_months="de_facto_unsupported.min_term_months",
    ),
    DifficultyPoverty(
        id="difficulty.poverty",
        title=Message(
            "因家庭贫困导致生活、就医、就学等困难的儿童", "Child in difficulty: family poverty"
        ),
        citations=("gf-2016-36",),
        max_age="difficulty.max_age",
    ),
    DifficultyDisability(
        id="difficulty.disability",
        title=Message(
            "因自身残疾导致康复、照料、护理和社会融入等困难的儿童",
            "Child in difficulty: disability",
        ),
        citations=("gf-2016-36",),
        max_age="difficulty.max_age",
    ),
    DifficultyGuardianship(
        id="difficulty.guardianship",
        title=Message(
            "因家庭监护缺失或监护不当遭受虐待、遗弃、意外伤害、不法侵害等导致人身安全受到威胁或侵害的儿童",
            "Child in difficulty: lack of guardianship or improper guardianship",
        ),
        citations=("gf-2016-36",),
        max_age="difficulty.max_age",
        report_months="difficulty.guardianship.report_months",
    ),
)


@hookimpl
def careprotect_plugin_info() -> PluginInfo:
    """The national baseline: scope the whole country."""
    return PluginInfo(name=NAME, version=_VERSION, scope=None, title="National baseline")


@hookimpl
def careprotect_parameter_files(register: Callable[[Path], None]) -> None:
    """The national parameters: every TOML file beside this module, ``citations.toml`` (the
    plugin's one table of citations) first so the others may cite its keys."""
    here = Path(__file__).parent
    register(here / "citations.toml")
    for path in sorted(here.glob("*.toml")):
        if path.name != "citations.toml":
            register(path)


@hookimpl
def careprotect_categories(register: Callable[[CategoryRule, Division | None], None]) -> None:
    """The national categories of POLICY.md §2."""
    for category in CATEGORIES:
        register(category, None)


RULES: tuple[Rule, ...] = (
    *AGREEMENT_RULES,
    *GUARDIANSHIP_RULES,
    *ENTITLEMENT_RULES,
    *STAFFING_RULES,
)
"""The national rules: the entrusted-guardianship confirmation and staffing (民发〔2019〕34号),
the Minors Protection Law's entrusted care and mandatory reporting (Art. 11, 22, 23), and the
orphan and de facto unsupported allowances (POLICY.md §6)."""


@hookimpl
def careprotect_rules(register: Callable[[Rule, Division | None], None]) -> None:
    """The national compliance and entitlement rules."""
    for rule in RULES:
        register(rule, None)
