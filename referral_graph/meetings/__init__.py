"""Network meetings, pure: the agenda a meeting's area and period give
(:mod:`.agenda`, :mod:`.items`), in English and Khmer (:mod:`.wording`), and the meeting
pack (:mod:`.pack`). Given their data by :mod:`referral_graph.services.meetings`."""
