"""Pure rules of care visits (no Django): who is a key elderly person, and when a week is met."""
