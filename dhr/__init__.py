"""Domestic Homicide Reviews: restricted case management for DHR-cleared users only."""
