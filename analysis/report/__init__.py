"""Report: what the book shows: the house figure style, charts, maps, regression tables and
the prose helpers that turn results into glued findings.
May import every layer below it (``core`` to ``stats``); imported by ``runner`` only."""
