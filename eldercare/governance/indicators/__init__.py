"""Indicator values per region and date: the functions behind the catalogue's registry- and
governance-based codes (computed.py), the manual values for the rest (values.py), and the targets
the loaded lists and sheets set."""
