"""Regions: the versioned administrative tree (province → city → county → township → village).

Owns Region and the loader of the national statistical codes. Imports core (audit) and, in its
API module, accounts.access for scoping.
Subtree queries are code ranges (see codes.py), never recursive walks.
"""
