"""Trusted trader and trusted traveller programs as pure rules: the security criteria and audit
scoring, certification standing, the traveller application, watch-list vetting, signed cards,
biometric matching and the trusted-lane shares the twin reads. No HTTP, no SQL."""

from smartborder.trusted.audits import AuditResult, Checklist, Criterion, Finding, checklist, score
from smartborder.trusted.cards import CardCheck, sign_card, verify_card
from smartborder.trusted.certification import (
    CertEvent,
    Standing,
    check_next,
    pre_inspected,
    standing,
)
from smartborder.trusted.errors import BiometricError, CriteriaError, TransitionError, TrustedError
from smartborder.trusted.travellers import (
    advance,
    card_expiry,
    card_state,
    check_document,
    check_renewal,
)
from smartborder.trusted.vetting import VettingReport, WatchEntry, screen

__all__ = [
    "AuditResult",
    "BiometricError",
    "CardCheck",
    "CertEvent",
    "Checklist",
    "CriteriaError",
    "Criterion",
    "Finding",
    "Standing",
    "TransitionError",
    "TrustedError",
    "VettingReport",
    "WatchEntry",
    "advance",
    "card_expiry",
    "card_state",
    "check_document",
    "check_next",
    "check_renewal",
    "checklist",
    "pre_inspected",
    "score",
    "screen",
    "sign_card",
    "standing",
    "verify_card",
]
