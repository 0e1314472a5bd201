"""Assessment: capability assessment (老年人能力评估) by MZ/T 039-2013 and GB/T 42195-2022.

Owns the pure scoring engine (`scoring/`, no Django: item tables with every option's text,
indicator grades, preliminary and final levels with the clauses that produced them), assessment
records (drafts entered step by step, finished ones immutable, corrections that supersede),
the re-assessment schedule and region settings, the PDF report, the Excel import of paper
assessments, statistics, and the `eldercare assess FILE.json` command.
Imports core, accounts, regions and registry. Emits each resident's current level
(CurrentAssessment) for entitlements, care plans and indicators, and a section of the resident
page (views.resident_panel, named in settings.RESIDENT_PANELS).
"""
