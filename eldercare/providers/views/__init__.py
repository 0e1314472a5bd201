"""Pages of providers, staff, facilities, the blacklist and the public directory. Each view:
parse → access check → one service call → render."""
