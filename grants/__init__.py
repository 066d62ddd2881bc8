"""The Crime Reduction Grant: grant years, pots, bids and the chair's decisions."""
