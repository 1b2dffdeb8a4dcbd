"""Stats: fitting (design matrices, ModelFit, NotEstimable in errors), models (logits, multinomial, bivariate
probit), count models, triangulation across sources and descriptive statistics. Functions take DataFrames and
return DataFrames or fitted records. May import ``core`` to ``collect``; imported by ``report`` and ``runner``."""
