"""Demo and benchmark data: the four pilot localities, one user per role, synthetic residents.

Owns no models. Imports regions, accounts and registry services; used by scripts/demo and
benchmarks/, never by the product at run time.
"""
