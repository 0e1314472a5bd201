"""The device-facing endpoints (no user login): one event from a device, or a vendor gateway's
batch. Authentication is the HMAC signature (services/ingestion.py); a refused request stores
nothing. Plain Django views, not DRF: this is the platform's hot path."""

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from eldercare.alarms.errors import AlarmDataError
from eldercare.alarms.rules.signing import SignatureError
from eldercare.alarms.services import ingestion


def _refused(error: SignatureError) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"code": error.code, "message": error.message}]},
        status=401,
        json_dumps_params={"ensure_ascii": False},
    )


def _invalid(error: AlarmDataError) -> JsonResponse:
    return JsonResponse(
        {
            "errors": [
                {"field": p.field, "code": p.code, "message": p.message} for p in error.problems
            ]
        },
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
@require_POST
def device_event(request: HttpRequest) -> JsonResponse:
    """Headers X-Device: "<vendor>/<serial>", X-Timestamp (Unix seconds), X-Signature:
    hex HMAC-SHA256(device secret, "<timestamp>." + body). Body: one event as JSON."""
    body = request.body
    try:
        device = ingestion.authenticate_device(
            request.headers.get("X-Device", ""),
            request.headers.get("X-Timestamp", ""),
            request.headers.get("X-Signature", ""),
            body,
        )
        now = timezone.now()
        outcome = ingestion.ingest_event(
            device, ingestion.parse_event(ingestion.load_json(body), now), now
        )
    except SignatureError as error:
        return _refused(error)
    except AlarmDataError as error:
        return _invalid(error)
    status = 201 if outcome.result == ingestion.ACCEPTED else 200
    return JsonResponse(outcome.as_dict(), status=status)


@csrf_exempt
@require_POST
def gateway_batch(request: HttpRequest) -> JsonResponse:
    """Headers X-Gateway: "<vendor>", X-Timestamp, X-Signature (the gateway's secret). Body:
    {"events": [{"serial": …, "event_id": …, "kind": …}, …]}; each event answered in order."""
    body = request.body
    try:
        gateway = ingestion.authenticate_gateway(
            request.headers.get("X-Gateway", ""),
            request.headers.get("X-Timestamp", ""),
            request.headers.get("X-Signature", ""),
            body,
        )
        outcomes = ingestion.ingest_batch(gateway, ingestion.load_json(body))
    except SignatureError as error:
        return _refused(error)
    except AlarmDataError as error:
        return _invalid(error)
    return JsonResponse(
        {
            "summary": ingestion.results_summary(outcomes),
            "results": [outcome.as_dict() for outcome in outcomes],
        },
        json_dumps_params={"ensure_ascii": False},
    )
