"""Registry: the dynamic register of residents aged 60+ and their screening (筛查摸底) records.

Owns Resident, ResidentPhone, ResidentContact, ScreeningRecord, ImportJob. Imports regions, accounts
(access) and core (idcard, normalize, masking, audit). Derived categories (高龄, 特困, 空巢 …) are
computed by rules.py, never stored.
"""
