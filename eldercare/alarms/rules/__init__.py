"""Pure rules of emergency calls (no Django): signatures, event kinds, call chains, statistics."""
