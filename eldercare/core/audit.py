"""The audit trail: one function per kind of event, each writing one AuditEvent row."""

from typing import Any

from django.db import models

from eldercare.core.models import AuditAction, AuditEvent


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "pk", None):
        return {"actor": None, "actor_username": getattr(actor, "username", "") or "system"}
    return {"actor": actor, "actor_username": actor.username}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    *,
    actor: Any,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEvent.objects.create(
        **_actor_fields(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code=region_code,
        changes=_jsonable(changes or {}),
        detail=_jsonable(detail or {}),
    )


def record_change(
    *,
    actor: Any,
    obj: models.Model,
    region_code: str,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str = "",
) -> AuditEvent | None:
    """Store only the fields that changed, as {field: [old, new]}; nothing changed → no row."""
    changes = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    if not changes:
        return None
    return record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=obj,
        region_code=region_code,
        changes=changes,
        detail={"reason": reason} if reason else None,
    )
