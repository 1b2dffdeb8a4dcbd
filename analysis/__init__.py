"""Paradiplomacy compendium: the analysis package behind the numbered notebooks.

Modules are named for what they hold: ``paths`` (every location), ``tracking``
(what a notebook read and wrote), ``tables`` (schema-checked processed tables),
``pipeline`` (the incremental notebook runner), and one module per research concern.
"""

__version__ = "0.1.0"
