"""Regions: the versioned administrative tree (province → city → county → township → village).

Owns Region and the loader of the national statistical codes. Imports nothing from other apps.
Subtree queries are code ranges (see codes.py), never recursive walks.
"""
