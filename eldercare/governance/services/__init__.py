"""Use cases of governance: loading the data files, progress reports and supervision, manual
scores and scoring runs, manual indicator values. Each checks access, runs in one transaction and
writes its audit record."""
