"""Build: the processed tables of the public lane: study frame, partner gazetteers, the one place
resolver, harmonised relations, covariates and the analysis outcomes.
May import ``core`` and ``acquire``; imported by ``collect`` and above."""
