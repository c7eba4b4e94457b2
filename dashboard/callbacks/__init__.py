"""Thin callbacks: parse inputs → data.queries → figures → outputs."""
