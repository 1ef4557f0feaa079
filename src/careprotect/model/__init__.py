"""The domain model: frozen attrs classes holding observed facts, never derived flags."""

from careprotect.model.child import (
    Agreement,
    Child,
    Contact,
    Disability,
    Enrolment,
    Guardianship,
    Hardship,
    Pairing,
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
    "DivisionRecord",
    "Enrolment",
    "Guardianship",
    "Hardship",
    "ModelDesignation",
    "Pairing",
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
