"""referral-graph: the referral network for child protection and mental-health support."""

__version__ = "0.1.0"
