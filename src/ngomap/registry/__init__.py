"""The registry: a living list of organisations and their presence, kept by rounds and edits.

One URL chooses the database (``NGOMAP_DATABASE_URL`` or ``--db``): an SQLite file in the
user's data folder by default, PostgreSQL with PostGIS for a team. See ``db``, ``models``,
``rounds`` (import, revert, diff), ``state`` (reading, as of a round or date) and
``organisations`` (edits, merges, history).
"""
