"""Data entering the tool: parsing, validation (PII guard) and storing imports."""
