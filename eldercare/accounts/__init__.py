"""Accounts: users, roles, region binding, and the one access mechanism (access.py).

Owns User. Imports regions (codes). Every view, API endpoint and export gets its querysets and
objects through access.py, which fails closed: no region binding or unknown role → nothing.
"""
