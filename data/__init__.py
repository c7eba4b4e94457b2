"""Storage and domain logic of SSP Lägesbild (no Flask or Dash imports here)."""
