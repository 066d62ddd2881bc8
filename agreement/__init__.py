"""The Community Safety Agreement, its priorities and the yearly action plan."""
