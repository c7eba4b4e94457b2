"""The demo: synthetic group-level data and demo areas, clearly labelled. Never on the
production path.
"""
