"""Views of the meetings app, split by who uses them."""
