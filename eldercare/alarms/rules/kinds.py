"""Event kinds devices report, which of them open an alarm, and how urgent each alarm is."""

SOS = "sos"
FALL = "fall"
SMOKE = "smoke"
GAS = "gas"
WATER = "water"
INACTIVITY = "inactivity"
GEOFENCE_EXIT = "geofence_exit"
DOOR = "door"
LOW_BATTERY = "low_battery"
HEARTBEAT = "heartbeat"

# Lower is more urgent: a person asking for help or a fire/gas danger first, then a silent home,
# then a wandering or a door left open.
URGENCY = {
    SOS: 1,
    FALL: 1,
    SMOKE: 1,
    GAS: 1,
    INACTIVITY: 2,
    WATER: 2,
    GEOFENCE_EXIT: 3,
    DOOR: 3,
}
ALARM_KINDS = frozenset(URGENCY)
DEVICE_STATUS_KINDS = frozenset({HEARTBEAT, LOW_BATTERY})
EVENT_KINDS = ALARM_KINDS | DEVICE_STATUS_KINDS
LOW_BATTERY_PERCENT = 20


def urgency(kind: str) -> int:
    return URGENCY[kind]
