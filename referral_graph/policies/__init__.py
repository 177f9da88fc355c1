"""The packaged policies and their loaders, at the bottom of the house.

``sla-policy.yaml`` (deadlines and escalation by risk level) and
``training-policy.yaml`` (how long a training keeps someone competent, how often they
are coached) ship with the package; an administrator may save another through the API,
and the one in force is then read from the store. Each module here only parses YAML
into a domain model: :mod:`referral_graph.policies.sla`,
:mod:`referral_graph.policies.training`.
"""
