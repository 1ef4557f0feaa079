"""Everything a plugin author imports, in one place.

A plugin (see docs/plugins/writing.md) is a module implementing the hooks of
:mod:`careprotect.hookspecs` with :data:`hookimpl`. It says who it is with a
:class:`PluginInfo`, ships parameter files, and registers rules: usually instances of the
general mechanisms below, configured with the plugin's parameter names, enum values and
messages. A plugin that writes a mechanism of its own implements the :class:`Rule` protocol
and judges a subject through the :class:`RuleContext` it is given.

Every name here is also importable from the module that defines it; this module only gathers
them, so that ``from careprotect.plugin import ...`` is the one import a plugin needs::

    from careprotect.plugin import (
        ContactFrequency, ContactMode, Division, Message, PeriodKind, PluginInfo, WorkerRole,
        hookimpl,
    )

Importing this module loads no plugin and reads no file.
"""

from careprotect.divisions import Division, Level
from careprotect.enums import (
    ContactMode,
    NoticeRecipient,
    OrganiserLevel,
    Post,
    ResidenceKind,
    ServicePointKind,
    Sex,
    WorkerRole,
)
from careprotect.errors import InvalidValueError, PluginLoadError
from careprotect.findings import Finding, Message, Outcome, Subject, SubjectKind
from careprotect.hookspecs import hookimpl
from careprotect.masking import scrub
from careprotect.model import Child, ServicePoint, Worker
from careprotect.params import Citation, Evidence, PluginInfo, Resolved, Status, Unit
from careprotect.periods import Period, PeriodKind
from careprotect.rules.agreements import EntrustedGuardianshipConfirmation, ServiceAgreementPerChild
from careprotect.rules.base import CategoryRule, Membership, Rule, RuleContext, RuleKind
from careprotect.rules.categories import (
    DeFactoUnsupported,
    DifficultyDisability,
    DifficultyGuardianship,
    DifficultyPoverty,
    LeftBehind,
    Orphan,
)
from careprotect.rules.contact import ContactFrequency
from careprotect.rules.coverage import HomePerVillage, MinimumPerDivision, ModelHomeShare
from careprotect.rules.entitlements import (
    Amount,
    CategoryAllowance,
    ConstructionGrant,
    Entitlement,
    EntitlementRule,
    PartialMonth,
    PostAllowance,
)
from careprotect.rules.guardianship import (
    EntrustedCarerQualified,
    EntrustmentNotices,
    MandatoryReportRecipient,
    ParentContactFrequency,
)
from careprotect.rules.mechanism import (
    Compliance,
    Judging,
    Mechanism,
    OnDay,
    PerDivision,
    category_field,
    parameter_field,
)
from careprotect.rules.staffing import (
    PostCoverage,
    PostEligibility,
    Qualification,
    ServicePointDirectorEligibility,
)
from careprotect.rules.standards import Area, AreaStandard, FacilityStandard
from careprotect.rules.training import TrainingBeforeStart, TrainingLength, TrainingPerYear

__all__ = [
    "Amount",
    "Area",
    "AreaStandard",
    "CategoryAllowance",
    "CategoryRule",
    "Child",
    "Citation",
    "Compliance",
    "ConstructionGrant",
    "ContactFrequency",
    "ContactMode",
    "DeFactoUnsupported",
    "DifficultyDisability",
    "DifficultyGuardianship",
    "DifficultyPoverty",
    "Division",
    "Entitlement",
    "EntitlementRule",
    "EntrustedCarerQualified",
    "EntrustedGuardianshipConfirmation",
    "EntrustmentNotices",
    "Evidence",
    "FacilityStandard",
    "Finding",
    "HomePerVillage",
    "InvalidValueError",
    "Judging",
    "LeftBehind",
    "Level",
    "MandatoryReportRecipient",
    "Mechanism",
    "Membership",
    "Message",
    "MinimumPerDivision",
    "ModelHomeShare",
    "NoticeRecipient",
    "OnDay",
    "OrganiserLevel",
    "Orphan",
    "Outcome",
    "ParentContactFrequency",
    "PartialMonth",
    "PerDivision",
    "Period",
    "PeriodKind",
    "PluginInfo",
    "PluginLoadError",
    "Post",
    "PostAllowance",
    "PostCoverage",
    "PostEligibility",
    "Qualification",
    "ResidenceKind",
    "Resolved",
    "Rule",
    "RuleContext",
    "RuleKind",
    "ServiceAgreementPerChild",
    "ServicePoint",
    "ServicePointDirectorEligibility",
    "ServicePointKind",
    "Sex",
    "Status",
    "Subject",
    "SubjectKind",
    "TrainingBeforeStart",
    "TrainingLength",
    "TrainingPerYear",
    "Unit",
    "Worker",
    "WorkerRole",
    "category_field",
    "hookimpl",
    "parameter_field",
    "scrub",
]
