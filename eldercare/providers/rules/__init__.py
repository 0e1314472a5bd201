"""Pure rules of the providers app (no Django): credit codes, weekly schedules, map geometry."""
