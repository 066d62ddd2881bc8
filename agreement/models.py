"""Models of Community Safety Agreement: added by the issue that builds this app."""
