"""Entitlements: who is entitled to which government-purchased services and subsidies, and the
money that follows.

Owns the entitlement rules as data (`policy/`, pure: load, validate and evaluate a region's rule
file with an explanation), the subsidy accounts and their double-entry ledger, the monthly
entitlement run, and online applications with their review chain.
Imports core, accounts, regions, registry, assessment (current capability level) and catalogue.
Emits account balances and payments for orders, and figures for indicators.
"""
