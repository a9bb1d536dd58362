"""The pure core: plans, deadlines, units, the task graph, statuses, selections, reports.

No file, clock, network or terminal here: `today`, calendars and holiday tables are parameters.
Nothing in core/ imports io/, outputs/ or cli/ (tests/test_layers.py).
"""
