"""Storage: typed models, engine and sessions, migrations, set-up and import jobs."""
