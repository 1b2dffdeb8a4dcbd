"""Collect: the team's own instruments: survey export loading, web-crawl hits and their classifier,
and the labelled synthetic samples that stand in for them until real exports arrive.
May import ``core``, ``acquire`` and ``build``; imported by ``stats`` and above."""
