"""The domain model: frozen attrs classes holding observed facts, never derived flags.

Every class's ``repr`` shows names masked and ID numbers masked, wherever they are held.
"""

from careprotect.model._base import scrub_repr
from careprotect.model.child import (
    Agreement,
    Child,
    Contact,
    Disability,
    Disqualification,
    Enrolment,
    EntrustmentNotice,
    Guardianship,
    Hardship,
    Pairing,
    ParentContact,
    ParentSituation,
    Referral,
    Report,
    Residence,
)
from careprotect.model.registry import DivisionRecord, ReferenceData, Registry
from careprotect.model.service_point import ModelDesignation, ServiceAgreement, ServicePoint
from careprotect.model.staff import Training, Worker

__all__ = [
    "Agreement",
    "Child",
    "Contact",
    "Disability",
    "Disqualification",
    "DivisionRecord",
    "Enrolment",
    "EntrustmentNotice",
    "Guardianship",
    "Hardship",
    "ModelDesignation",
    "Pairing",
    "ParentContact",
    "ParentSituation",
    "ReferenceData",
    "Referral",
    "Registry",
    "Report",
    "Residence",
    "ServiceAgreement",
    "ServicePoint",
    "Training",
    "Worker",
]

for _name in __all__:
    scrub_repr(globals()[_name])
del _name
