"""The pandera schemas of the three instruments' typed clean exports, generated from their codebooks.

Kept apart from :mod:`analysis.collect.codebook_outputs` so that the generator runs before the
generated vocabulary (``analysis/reference/codebooks/generated_fields.csv``) exists.
"""

from __future__ import annotations

from analysis.collect.codebook import load_codebook
from analysis.collect.codebook_outputs import export_schema

EU_PHASE1_EXPORT_SCHEMA = export_schema(load_codebook("eu_phase1"))
US_PHASE2_EXPORT_SCHEMA = export_schema(load_codebook("us_phase2"))
CHINA_2020_EXPORT_SCHEMA = export_schema(load_codebook("china_2020"))
