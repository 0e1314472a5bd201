"""Use cases of service orders. Pages, API and commands all call these; each checks the actor's
action and visibility (accounts.access), locks the order, checks the state against
rules.TRANSITIONS (an illegal transition is an OrderStateError), writes, and records the history
and the audit in one transaction.

    place → NEW ─accept→ ACCEPTED ─dispatch→ DISPATCHED ─check_in→ IN_SERVICE ─check_out→
    COMPLETED (paid: subsidy credit, then self-pay) ─rate→ RATED
    NEW/ACCEPTED ─refuse→ REFUSED;  NEW/ACCEPTED/DISPATCHED ─cancel→ CANCELLED (reason required)
"""

from eldercare.orders.services.dispatching import (
    Proposal,
    dispatch_order,
    propose,
    why_not,
)
from eldercare.orders.services.lifecycle import accept_order, cancel_order, rate_order, refuse_order
from eldercare.orders.services.placing import place_order, price_on, serves
from eldercare.orders.services.quality import (
    ProviderFigures,
    advance_complaint,
    draw_callback_sample,
    file_complaint,
    provider_figures,
    record_callback,
)
from eldercare.orders.services.settlement import (
    confirm_statement,
    export_statement,
    prepare_statement,
)
from eldercare.orders.services.visits import add_photo, check_in, check_out, open_photo, policy_for

__all__ = [
    "Proposal",
    "ProviderFigures",
    "accept_order",
    "add_photo",
    "advance_complaint",
    "cancel_order",
    "check_in",
    "check_out",
    "confirm_statement",
    "dispatch_order",
    "draw_callback_sample",
    "export_statement",
    "file_complaint",
    "open_photo",
    "place_order",
    "policy_for",
    "prepare_statement",
    "price_on",
    "propose",
    "provider_figures",
    "rate_order",
    "record_callback",
    "refuse_order",
    "serves",
    "why_not",
]
