"""Paradiplomacy compendium: the analysis package behind the numbered notebooks.

Read the folders as a table of contents, in pipeline order; each imports only the ones above it:

``core``      paths, tracking, tables and schemas, field vocabulary, names, countries, geometry
``acquire``   the raw-source registry and verified acquisition
``build``     frame, gazetteers, the one resolver, relations, covariates, outcomes
``collect``   the team's instruments: survey, crawl, synthetic stand-ins
``stats``     models, triangulation, descriptive statistics
``report``    figures, charts, maps, regression tables, findings prose
``runner``    notebook pipeline, book build, benchmarks
``reference`` curated lists and lexicons as data files, each with a source and a note
"""

__version__ = "0.1.0"
