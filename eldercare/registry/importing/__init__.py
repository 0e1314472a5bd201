"""Import of the screening sheet (老年人基本信息筛查摸底表) into the register.

columns.py is the template's column contract, readers.py turns a file into numbered rows,
pipeline.py runs the import: checking.py checks each row (villages.py finds its village),
writing.py writes the valid ones batch by batch. results.py is what an import reports, report.py
writes the error report and the template. common.py is what every sheet import shares (the
assessment import too): the frame it runs in (one transaction, the audit IMPORT event) and the
helpers of its checks and writes. The field rules themselves live in registry.validation and
registry.services.
"""
