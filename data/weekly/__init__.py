"""The weekly SSP cycle (issue 17): what changed this week, who reported, decided actions."""
