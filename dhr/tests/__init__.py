"""Tests of Domestic Homicide Reviews."""
