"""Shared test setup: see tests/factories.py and tests/world.py for the data fixtures."""
