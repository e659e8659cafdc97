"""Chain of custody for sealed shipments: pure rules over plain values, no I/O.

Seed 004: inspection "moved back from the border to the plants where shipments originate", with
"sealed and tamper-proof containers; and continuous tracking of containers (using GPS) from origin
to border to destination". These functions judge that custody — seal ids, EPCIS events, GPS
tracks — and say whether a shipment's custody is intact. The HTTP service stores what they read;
the twin and the lane decision call the same functions.
"""

from smartborder.custody.chain import apply_event
from smartborder.custody.epcis import CustodyEvent, event_hashes, events_of, parse_event
from smartborder.custody.errors import CustodyError, CustodyInputError
from smartborder.custody.route import Route
from smartborder.custody.seal import normalise_container, normalise_seal, seal_class
from smartborder.custody.state import KINDS, Anomaly, CustodyState, Place, Plan, TransitTiming
from smartborder.custody.status import AUDIT_STATUSES, Explanation, explain, ongoing, status_of
from smartborder.custody.thresholds import Thresholds
from smartborder.custody.track import scan

__all__ = [
    "AUDIT_STATUSES",
    "KINDS",
    "Anomaly",
    "CustodyError",
    "CustodyEvent",
    "CustodyInputError",
    "CustodyState",
    "Explanation",
    "Place",
    "Plan",
    "Route",
    "Thresholds",
    "TransitTiming",
    "apply_event",
    "event_hashes",
    "events_of",
    "explain",
    "normalise_container",
    "normalise_seal",
    "ongoing",
    "parse_event",
    "scan",
    "seal_class",
    "status_of",
]
