"""The supervisor's side of the hall service (issue 9): the dashboard snapshot, the supervisor's
actions on windows, tickets, messages and hand-offs, and the daily reports. See README.md."""
