"""Area layers in the database: import, own areas, population, listing and
browser geometry.
"""
