"""Acquire: the declared raw sources (registry in ``analysis/reference``) and their download and checksum check.
Turns declared names into verified files in ``data/raw``.
May import ``core`` only; imported by ``build`` and above."""
