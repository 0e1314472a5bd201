"""Import of capability-assessment results from Excel, for counties that assessed on paper.

columns.py is the column contract per standard and finds a file's header row, cells.py reads cell
values, rows.py checks one row (every problem, each naming its column), pipeline.py runs the
import in batches and records the good rows through `services.record_assessment`, template.py
writes the empty sheet per standard. Files are read by registry.importing.readers; the result and
the error report are registry.importing's (`ImportResult`, `RowError`, `write_error_report`): the
same discipline as the resident import. The contract is docs/assessment-import.md.
"""
