"""Area layers and spatial work; depends on nothing else in the project."""
