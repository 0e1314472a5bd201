"""Import of capability-assessment results from Excel, for counties that assessed on paper.

columns.py is the column contract per standard and finds a file's header row, cells.py reads cell
values, rows.py checks one row (every problem, each naming its column), pipeline.py runs the
import in batches and records the good rows through `services.record_assessment`, template.py
writes the empty sheet per standard. The rest is registry.importing's, the same discipline as the
resident import: files are read by its readers.py, the import runs in its common.run_import
(one transaction, the audit IMPORT event) with its row helpers, the result and the error report
are its results.py and report.py (`ImportResult`, `RowError`, `write_error_report`). The
contract is docs/assessment-import.md.
"""
