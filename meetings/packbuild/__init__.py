"""Building agenda packs: render the parts, cache them by content, lay them out, number and stamp them."""
