"""Report: what the book shows: the house figure style, charts, maps, regression tables and
the prose helpers that turn results into glued findings, and (``show``) what a notebook shows an author
who runs it outside the pipeline.
May import every layer below it (``core`` to ``stats``); imported by ``runner`` only."""
