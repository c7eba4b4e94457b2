"""Planning nattvandring and parent meetings: forecast, schedule optimiser, signals, sign-ups
and saved schedules.
"""
