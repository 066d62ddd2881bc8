"""Models of Domestic Homicide Reviews: added by the issue that builds this app."""
