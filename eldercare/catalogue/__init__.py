"""Catalogue: the service items (助餐、助浴、助洁、助医、助行、助急 …) with units, standard prices and
service standards, and the lists that publish them: the national basic list and each region's
own "6+X" list, versioned by effective date.
Imports core, accounts and regions. Emits service items for entitlements (which items a credit may
buy), providers (price lists) and orders.
"""
