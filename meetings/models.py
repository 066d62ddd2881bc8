"""Models of Meetings: added by the issue that builds this app."""
