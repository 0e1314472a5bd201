"""Use cases of the catalogue: items, list versions and their entries. Pages, API and the loader
call these; each checks the actor's permission and scope, runs in one transaction and writes its
audit record.

A list is edited only as a draft. `create_list_version` copies the newest published version of
the region and kind into a new draft; `publish_list` freezes it from its effective date, closing
the open-ended version it replaces (that version's last day becomes the day before); two
published versions of one region and kind never overlap. A published version that has not yet
taken effect may be withdrawn back to a draft.
"""

from eldercare.catalogue.services.common import (
    ENTRY_AUDIT_FIELDS,
    ITEM_AUDIT_FIELDS,
    LIST_AUDIT_FIELDS,
    check_managed_region,
    default_list_name,
    entry_snapshot,
    item_snapshot,
    list_snapshot,
    lock_family,
    today_local,
)
from eldercare.catalogue.services.items import create_item, update_item
from eldercare.catalogue.services.lists import (
    add_entry,
    create_list_version,
    discard_draft,
    remove_entry,
    update_entry,
    update_list,
)
from eldercare.catalogue.services.publication import publish_list, publish_version, withdraw_list

__all__ = [
    "ENTRY_AUDIT_FIELDS",
    "ITEM_AUDIT_FIELDS",
    "LIST_AUDIT_FIELDS",
    "add_entry",
    "check_managed_region",
    "create_item",
    "create_list_version",
    "default_list_name",
    "discard_draft",
    "entry_snapshot",
    "item_snapshot",
    "list_snapshot",
    "lock_family",
    "publish_list",
    "publish_version",
    "remove_entry",
    "today_local",
    "update_entry",
    "update_item",
    "update_list",
    "withdraw_list",
]
