"""Views of Domestic Homicide Reviews."""
