"""Counting observations: the count cube, the overview's and the API's tables, counts in event
windows and their uplift.
"""
