"""Services of emergency calls; views, the API, tasks and commands call these and nothing else."""

from eldercare.alarms.services.chains import chain_for, save_chain
from eldercare.alarms.services.devices import (
    bind_device,
    offline_devices,
    register_device,
    register_gateway,
    renew_device_secret,
    retire_device,
    unbind_device,
)
from eldercare.alarms.services.escalation import deliver_pending, escalate_due, run_loop
from eldercare.alarms.services.handling import acknowledge, add_note, close, request_visit

__all__ = [
    "acknowledge",
    "add_note",
    "bind_device",
    "chain_for",
    "close",
    "deliver_pending",
    "escalate_due",
    "offline_devices",
    "register_device",
    "register_gateway",
    "renew_device_secret",
    "request_visit",
    "retire_device",
    "run_loop",
    "save_chain",
    "unbind_device",
]
