"""Pure planning rules (no Django): geometry, service circles, coverage, the space standard and
the illustrative point generator. Tested with tables and hypothesis."""
