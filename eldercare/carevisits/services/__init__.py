"""Use cases of care visits; views, API and commands call these and nothing else to change data."""

from eldercare.carevisits.services.agreements import amend_agreement, end_agreement, sign_agreement
from eldercare.carevisits.services.common import today_local
from eldercare.carevisits.services.contacts import log_contact
from eldercare.carevisits.services.followups import (
    cancel_follow_up,
    close_follow_up,
    record_hand_over,
)
from eldercare.carevisits.services.policy import policy_for, set_policy

__all__ = [
    "amend_agreement",
    "cancel_follow_up",
    "close_follow_up",
    "end_agreement",
    "log_contact",
    "policy_for",
    "record_hand_over",
    "set_policy",
    "sign_agreement",
    "today_local",
]
