"""Read-only admin views: money moves only through eldercare.entitlements.ledger, rule files,
grants and runs only through the app's services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from eldercare.core.money import format_fen
from eldercare.entitlements.models import (
    CreditLot,
    Entitlement,
    EntitlementRun,
    LedgerAccount,
    LedgerEntry,
    PolicyDocument,
    Transfer,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "region_code", "balance", "allows_negative", "created_at")
    list_filter = ("kind", "fund_source", "credit_kind")
    search_fields = ("name", "region_code", "owner_reference")
    raw_id_fields = ("resident",)

    @admin.display(description="余额（元）", ordering="balance_fen")
    def balance(self, account: LedgerAccount) -> str:
        return format_fen(account.balance_fen)


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "lot", "amount_fen")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "cause",
        "amount",
        "payer",
        "payee",
        "actor_username",
        "created_at",
    )
    list_filter = ("cause",)
    search_fields = ("reference", "region_code", "item_code")
    date_hierarchy = "created_at"
    raw_id_fields = ("resident", "refund_of", "payer", "payee")
    inlines = [LedgerEntryInline]

    @admin.display(description="金额（元）", ordering="amount_fen")
    def amount(self, transfer: Transfer) -> str:
        return format_fen(transfer.amount_fen)


@admin.register(CreditLot)
class CreditLotAdmin(ReadOnlyAdmin):
    list_display = ("account", "month", "amount_fen", "remaining_fen", "items", "expires_on")
    list_filter = ("expires_on",)
    raw_id_fields = ("account", "source", "transfer")


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ReadOnlyAdmin):
    """Rule files change only through upload, activate and retire (audited)."""

    list_display = ("region_code", "revision", "name", "status", "origin", "uploaded_at")
    list_filter = ("status", "origin")
    search_fields = ("region_code", "name", "sha256")


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ("resident", "kind", "amount_fen", "first_month", "last_month", "status")
    list_filter = ("kind", "status")
    search_fields = ("source_reference",)
    raw_id_fields = ("resident",)


@admin.register(EntitlementRun)
class EntitlementRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "month", "region_code", "status", "residents_done", "created_at")
    list_filter = ("status",)
    search_fields = ("region_code",)
