"""``python -m referral_graph.cli``: the same commands as ``referral-graph``."""

from referral_graph.cli import app

app()
