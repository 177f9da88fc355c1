"""Use cases of network meetings (issue #19): a coordinator opens a meeting for an area
of theirs, with an agenda built from the graph (:mod:`.agenda`), edits it, records who
came and what was agreed, and closes it — attendance, new actions and the fate of earlier
ones in one transaction (:mod:`.meetings`); owners see and report on the actions they
own, administrators confirm agreed pathways into the directory (:mod:`.actions`); the
meeting pack gathers agenda, last actions and the month's figures (:mod:`.pack`).

Who may see what is decided here (:mod:`.access`), from the principal and the objects
read in the same transaction: coordinators within their area (403 for an area outside it,
404 for a meeting or action outside it, so ids cannot be probed); a provider's accounts
for the actions that provider owns; administrators for agreed pathways.

Import the modules themselves (``from referral_graph.services.meetings import
meetings``): this package imports none of them, so the audit can read the last meeting's
actions without a cycle.
"""
