"""The review desk: what a 政务公开 office decides about the reports it checks.

The index holds what the reports say; this package holds what people decided about them — the
roster of units an office supervises, verdicts on findings with their 整改 status and history,
corrections of figures, accounts and a log of every write — in a database of its own (SQLite
beside the index by default, PostgreSQL for several servers). It reads reports through search/,
and web/ and the CLI read the desk through here: web → review → search → index.
"""
