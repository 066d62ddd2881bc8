"""Models of Crime Reduction Grant: added by the issue that builds this app."""
