"""Privacy by construction: disclosure control (the one choke point), the PII guard and the
small-area merge.
"""
