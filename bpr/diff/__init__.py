"""`bpr diff`: what changed between two inventories (folders or git revisions), for the yearly progress report."""
