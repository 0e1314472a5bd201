"""Import of the screening sheet (老年人基本信息筛查摸底表) into the register.

columns.py is the template's column contract, readers.py turns a file into numbered rows,
pipeline.py validates and writes them, report.py writes the error report and the template.
The field rules themselves live in registry.validation and registry.services.
"""
