"""Background jobs: reading, checking and importing uploaded files, outside the web workers.

:mod:`data.jobs.runners` holds what each kind of job does (validate, then write in one
unit of work, reporting progress into the job row); :mod:`data.jobs.worker` runs one job
in a process of its own (``python -m data.jobs.worker FOLDER JOB_ID``) and starts such
processes.
"""
