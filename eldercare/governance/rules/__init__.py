"""The pure part of governance: data-file reading with exact places, deadline texts, the indicator
catalogue and the scoring-sheet formulas. Imports no Django (an import-linter contract enforces it),
so every rule is tested with tables and hypothesis without a database.
"""
