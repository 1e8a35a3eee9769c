"""wws-batch: score whole housing portfolios with the Dutch woningwaarderingsstelsel."""

__version__ = "0.1.0"
