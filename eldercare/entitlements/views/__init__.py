"""Pages of the entitlements app. Each view: parse → access check → one service call → render.

panel: the section "补贴与服务资格" of the resident page; runs: the monthly runs; documents: the
rule files; credits: who gets what this month, and the individual grants; accounts: balances
and monthly statements.
"""
