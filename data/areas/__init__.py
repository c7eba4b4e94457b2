"""Area layers in the database: import, own areas, population, listing, point placement and
browser geometry.
"""
