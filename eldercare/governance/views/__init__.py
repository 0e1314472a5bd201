"""Pages of governance. Each view: parse → access check → one service call → render."""
