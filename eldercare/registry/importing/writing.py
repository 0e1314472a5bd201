"""Writing one batch of checked screening-sheet rows: a few statements per table, not per row.

New residents, their phones, contacts and screenings are INSERTed in bulk (core.db.insert_rows);
updates are grouped by the set of fields they change, one bulk_update per group. Audit: one
UPDATE event per updated resident with {field: [old, new]}, because an update overwrites values
that exist nowhere else. Creates are audited at file level only (the IMPORT event): a created
resident's full content is the file row, identified by the checksum in the IMPORT event, and a
per-row CREATE event would copy 1M rows of personal data into the audit table a second time.
"""

from itertools import groupby
from typing import Any

from django.utils import timezone

from eldercare.core.db import insert_rows
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry.importing.checking import Plan
from eldercare.registry.importing.common import CACHE_LIMIT, chunks
from eldercare.registry.models import Resident, ResidentContact, ResidentPhone, ScreeningRecord
from eldercare.registry.services import search_fields


class Writer:
    """Writes the plans of one batch after another, with the names' search keys cached."""

    def __init__(self, actor: Any, file_name: str) -> None:
        self.actor = actor
        self.file_name = file_name
        self.pinyin: dict[str, dict[str, str]] = {}

    def write(self, plans: list[Plan]) -> None:
        creates = [plan for plan in plans if plan.existing is None]
        updates = [plan for plan in plans if plan.existing is not None]
        insert_rows(
            Resident,
            [{**plan.fields, **self._search_fields(plan.fields)} for plan in creates],
        )
        pk_of: dict[str, int] = {}
        for chunk in chunks([plan.id_number for plan in creates]):
            pk_of.update(
                Resident.objects.filter(id_number__in=chunk).values_list("id_number", "pk")
            )
        for plan in updates:
            assert plan.existing is not None
            pk_of[plan.id_number] = plan.existing.pk
        self._write_resident_updates(updates)
        self._write_phones(plans, pk_of)
        self._write_contacts(plans, pk_of)
        self._write_screenings(plans, pk_of)
        self._write_audit(updates, pk_of)

    def _search_fields(self, values: dict[str, Any]) -> dict[str, str]:
        name = values["name"]
        keys = self.pinyin.get(name)
        if keys is None:
            keys = search_fields({"name": name})
            if len(self.pinyin) < CACHE_LIMIT:
                self.pinyin[name] = keys
        return {**keys, **search_fields({"id_number": values["id_number"]})}

    def _write_resident_updates(self, updates: list[Plan]) -> None:
        now = timezone.now()
        changed = [plan for plan in updates if plan.fields]
        # bulk_update sets every listed field on every object, so group by the set changed.
        changed.sort(key=lambda plan: sorted(plan.fields))
        for names, group in groupby(changed, key=lambda plan: sorted(plan.fields)):
            objects = []
            for plan in group:
                assert plan.existing is not None
                extra = self._search_fields({**plan.existing.values, **plan.fields})
                values = {**plan.fields, **(extra if "name" in plan.fields else {})}
                objects.append(Resident(pk=plan.existing.pk, updated_at=now, **values))
            fields = [*names, "updated_at"]
            if "name" in names:
                fields += ["name_pinyin", "name_initials"]
            Resident.objects.bulk_update(objects, fields)

    def _write_phones(self, plans: list[Plan], pk_of: dict[str, int]) -> None:
        replaced = [
            pk_of[p.id_number] for p in plans if p.existing is not None and p.phones is not None
        ]
        for chunk in chunks(replaced):
            ResidentPhone.objects.filter(resident_id__in=chunk).delete()
        insert_rows(
            ResidentPhone,
            [
                {"resident_id": pk_of[plan.id_number], "number": number, "position": position}
                for plan in plans
                if plan.phones
                for position, number in enumerate(plan.phones, start=1)
            ],
        )

    def _write_contacts(self, plans: list[Plan], pk_of: dict[str, int]) -> None:
        created: list[dict[str, Any]] = []
        changed: list[ResidentContact] = []
        for plan in plans:
            contact = plan.contact
            if contact is None:
                continue
            if plan.contact_update is not None:
                changed.append(
                    ResidentContact(
                        pk=plan.contact_update, relation=contact.relation, phone=contact.phone
                    )
                )
                continue
            existing = plan.existing.contacts if plan.existing else []
            created.append(
                {
                    "resident_id": pk_of[plan.id_number],
                    "name": contact.name,
                    "relation": contact.relation,
                    "phone": contact.phone,
                    "call_order": max((c[4] for c in existing), default=0) + 1,
                }
            )
        insert_rows(ResidentContact, created)
        if changed:
            ResidentContact.objects.bulk_update(changed, ["relation", "phone"])

    def _write_screenings(self, plans: list[Plan], pk_of: dict[str, int]) -> None:
        created: list[dict[str, Any]] = []
        changed: list[ScreeningRecord] = []
        for plan in plans:
            screening = plan.screening
            if screening is None:
                continue
            needs, surveyor = screening.needs or [], screening.surveyor_name or ""
            if plan.screening_update is not None:
                changed.append(
                    ScreeningRecord(pk=plan.screening_update, needs=needs, surveyor_name=surveyor)
                )
                continue
            created.append(
                {
                    "resident_id": pk_of[plan.id_number],
                    "screened_on": screening.screened_on,
                    "needs": needs,
                    "surveyor_name": surveyor,
                }
            )
        insert_rows(ScreeningRecord, created)
        if changed:
            ScreeningRecord.objects.bulk_update(changed, ["needs", "surveyor_name"])

    def _write_audit(self, updates: list[Plan], pk_of: dict[str, int]) -> None:
        """One UPDATE event per resident, shaped like core.audit.record_change writes it."""
        actor_id = getattr(self.actor, "pk", None)
        username = getattr(self.actor, "username", "") or "system"
        events = []
        for plan in updates:
            assert plan.existing is not None
            old = plan.existing.values
            events.append(
                {
                    "actor_id": actor_id,
                    "actor_username": username,
                    "action": AuditAction.UPDATE.value,
                    "object_type": Resident._meta.label_lower,
                    "object_id": str(pk_of[plan.id_number]),
                    "object_repr": str(plan.fields.get("name", old["name"]))[:200],
                    "region_code": plan.fields.get("region_code", old["region_code"]),
                    "changes": plan.changes,
                    "detail": {"reason": f"导入 {self.file_name} 第{plan.row}行"},
                }
            )
        insert_rows(AuditEvent, events)
