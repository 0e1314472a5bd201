"""Entitlements: who is entitled to which government-purchased services and subsidies, and the
money that follows.

Owns the entitlement rules as data (`policy/`, pure: load, validate and evaluate a region's rule
file with an explanation) and the rule files stored per region (`documents`), individual grants
on approved applications (`grants`: grant_entitlement, end_entitlement), the subsidy accounts and
their double-entry ledger (`ledger/`), and the monthly entitlement run (`runs`). Use cases for
other apps: `eldercare.entitlements.services`.
Imports core, accounts, regions, registry, assessment (current capability level) and catalogue.
Emits account balances and payments for orders, credits per month and region for indicators, and
the section "补贴与服务资格" of the resident page (settings.RESIDENT_PANELS).
"""
