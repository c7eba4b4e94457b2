"""Time: Swedish holidays, event windows and time-of-day slots, periods, and each
municipality's own calendar.
"""
