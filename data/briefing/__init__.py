"""The lägesbild: a period's briefing for leadership and coordinators, its archive."""
