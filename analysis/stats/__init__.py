"""Stats: models (logits, bivariate probit, count models), triangulation across sources,
and descriptive statistics. Functions take DataFrames and return DataFrames or fitted records.
May import ``core`` to ``collect``; imported by ``report`` and ``runner``."""
