"""Core: where things live (paths), what was read and written (tracking), schema-checked tables,
the column vocabulary, and small shared helpers (names and text folding, countries, geometry).
Imports nothing else from the package; every other layer may import it."""
