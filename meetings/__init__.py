"""Committees, meetings, agendas, papers, attendance and minutes."""
