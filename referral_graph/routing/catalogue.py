"""Every sentence routing says, in English and Khmer, keyed for translation.

``{name}`` fields are filled by :func:`referral_graph.routing.reasons.reason` from the
reason's parameters (codes become names in each language). Keys group by what they
explain: why a provider ranks where it does (``pathway``, ``place``, ``language``,
``load``, ``speed``, ``open``, ``risk``, ``training``, ``lgbtiq``, ``pep``), why two
options are ordered as they are (``tie``), what the case's own history says
(``memory``), which hard rule left a provider out (``excluded``), and notes on the
whole answer (``emergency``, ``language.nobody…``, ``interpreter``).
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- why a provider ranks where it does ---------------------------------------------
    "pathway.direct": (
        "An agreed pathway leads here from {holder} for {service}.",
        "មានផ្លូវបញ្ជូនដែលបានព្រមព្រៀងពី {holder} សម្រាប់ {service}។",
    ),
    "pathway.other_service": (
        "{holder} has an agreed pathway here, though for another service.",
        "{holder} មានផ្លូវបញ្ជូនមកទីនេះ ប៉ុន្តែសម្រាប់សេវាផ្សេង។",
    ),
    "pathway.via": (
        "Reached through {via}, which has an agreed pathway here.",
        "អាចបញ្ជូនតាមរយៈ {via} ដែលមានផ្លូវបញ្ជូនមកទីនេះ។",
    ),
    "pathway.none": (
        "No agreed pathway from {holder}; agree one at the network meeting.",
        "មិនទាន់មានផ្លូវបញ្ជូនពី {holder}។ សូមព្រមព្រៀងនៅកិច្ចប្រជុំបណ្ដាញ។",
    ),
    "place.village": ("In the child's village.", "នៅក្នុងភូមិរបស់កុមារ។"),
    "place.commune": ("In the child's commune.", "នៅក្នុងឃុំ/សង្កាត់របស់កុមារ។"),
    "place.district": ("In the child's district.", "នៅក្នុងស្រុករបស់កុមារ។"),
    "place.province": ("In the child's province.", "នៅក្នុងខេត្តរបស់កុមារ។"),
    "place.remote": ("Serves the child {mode}.", "ផ្ដល់សេវាដល់កុមារ{mode}។"),
    "place.far": ("Outside the child's province.", "នៅក្រៅខេត្តរបស់កុមារ។"),
    "language.match": ("Speaks {language}.", "និយាយភាសា {language}។"),
    "language.people": (
        "Speaks {language} ({count} of its people).",
        "បុគ្គលិក {count} នាក់និយាយភាសា {language}។",
    ),
    "language.interpreter": (
        "No one speaks {language} here, but an interpreter can be arranged.",
        "គ្មាននរណានិយាយភាសា {language} ទេ ប៉ុន្តែអាចរៀបចំអ្នកបកប្រែបាន។",
    ),
    "language.none": (
        "Does not speak {language} and has no interpreter.",
        "មិននិយាយភាសា {language} និងគ្មានអ្នកបកប្រែ។",
    ),
    "load.free": (
        "{open} open referrals for a weekly capacity of {capacity}.",
        "មានការបញ្ជូនបើក {open} លើចំនួនទទួលប្រចាំសប្ដាហ៍ {capacity}។",
    ),
    "speed.observed": (
        "Usually acknowledges within {hours} h ({count} referrals).",
        "ជាធម្មតាទទួលស្គាល់ក្នុងរយៈពេល {hours} ម៉ោង ({count} ការបញ្ជូន)។",
    ),
    "speed.prior": (
        "No referral history yet (counted as acknowledging within {hours} h).",
        "មិនទាន់មានប្រវត្តិការបញ្ជូន (គិតថាទទួលស្គាល់ក្នុងរយៈពេល {hours} ម៉ោង)។",
    ),
    "open.now": ("Open now.", "កំពុងបើក។"),
    "open.always": ("Open 24/7.", "បើក ២៤/៧។"),
    "open.closed": ("Closed now; opens {opens}.", "បិទឥឡូវនេះ។ បើកវិញ {opens}។"),
    "open.closed_unlisted": (
        "Closed now; no opening hours are listed.",
        "បិទឥឡូវនេះ។ មិនមានម៉ោងបើកក្នុងបញ្ជីទេ។",
    ),
    "risk.professional": (
        "A professional service, as a case at {risk} risk needs.",
        "សេវាជំនាញ ដូចដែលករណីហានិភ័យ {risk} ត្រូវការ។",
    ),
    "risk.added_professional": (
        "Added: a case at {risk} risk must be offered a professional service.",
        "បន្ថែម៖ ករណីហានិភ័យ {risk} ត្រូវតែទទួលបានសេវាជំនាញ។",
    ),
    "risk.added_open_now": (
        "Added: nothing in person is open now for this emergency.",
        "បន្ថែម៖ គ្មានសេវាផ្ទាល់ណាបើកឥឡូវនេះសម្រាប់ករណីបន្ទាន់នេះទេ។",
    ),
    "language.added_phone": (
        "Added: nobody near speaks {language}; {service} with an interpreter.",
        "បន្ថែម៖ គ្មាននរណានៅជិតនិយាយភាសា {language} ទេ។ {service} ជាមួយអ្នកបកប្រែ។",
    ),
    "training.staff": (
        "{count} staff trained in {topic}; refresher due {month}.",
        "បុគ្គលិក {count} នាក់បានទទួលការបណ្ដុះបណ្ដាលផ្នែក {topic}។ វគ្គរំលឹកត្រូវធ្វើនៅ {month}។",
    ),
    "lgbtiq.affirming": ("LGBTIQ-affirming.", "គាំទ្រ LGBTIQ។"),
    "lgbtiq.none_reachable": (
        "No LGBTIQ-affirming provider is reachable for this; nearest others are listed apart.",
        "គ្មានអ្នកផ្ដល់សេវាគាំទ្រ LGBTIQ ដែលអាចទៅដល់បានទេ។ អ្នកផ្សេងទៀតត្រូវបានរាយដាច់ដោយឡែក។",
    ),
    "lgbtiq.not_affirming": (
        "Not known to be LGBTIQ-affirming: check with the child first.",
        "មិនត្រូវបានគេដឹងថាគាំទ្រ LGBTIQ ទេ៖ សូមពិគ្រោះជាមួយកុមារជាមុន។",
    ),
    "pep.window": (
        "Can give post-exposure prophylaxis (PEP): {hours} h of the 72-hour window left.",
        "អាចផ្ដល់ថ្នាំការពារក្រោយការប៉ះពាល់បាន៖ នៅសល់ {hours} ម៉ោង ក្នុងរយៈពេល ៧២ ម៉ោង។",
    ),
    # --- the case's own history -----------------------------------------------------------
    "memory.holds": (
        "Already holds this case ({service}, {status} on {on}).",
        "កំពុងកាន់ករណីនេះរួចហើយ ({service} {status} នៅ {on})។",
    ),
    # --- ties -------------------------------------------------------------------------------
    "tie.load": (
        "Same score as No. {other}; ranked above it for a lighter caseload ({open} open for "
        "a weekly capacity of {capacity}, against {other_open} of {other_capacity}).",
        "ពិន្ទុស្មើលេខ {other}។ ដាក់នៅខាងលើព្រោះមានការងារតិចជាង (ការបញ្ជូនបើក {open} "
        "លើចំនួនទទួលប្រចាំសប្ដាហ៍ {capacity} ធៀបនឹង {other_open} លើ {other_capacity})។",
    ),
    "tie.load_known": (
        "Same score as No. {other}; ranked above it: its caseload is known ({open} open for "
        "a weekly capacity of {capacity}), No. {other}'s capacity is not listed.",
        "ពិន្ទុស្មើលេខ {other}។ ដាក់នៅខាងលើ៖ គេដឹងពីការងាររបស់វា (ការបញ្ជូនបើក {open} "
        "លើចំនួនទទួលប្រចាំសប្ដាហ៍ {capacity}) ប៉ុន្តែចំនួនទទួលប្រចាំសប្ដាហ៍របស់លេខ {other} មិនមានក្នុងបញ្ជីទេ។",
    ),
    "tie.speed": (
        "Same score as No. {other}; ranked above it for acknowledging faster ({hours} h "
        "against {other_hours} h).",
        "ពិន្ទុស្មើលេខ {other}។ ដាក់នៅខាងលើព្រោះទទួលស្គាល់លឿនជាង ({hours} ម៉ោង ធៀបនឹង {other_hours} ម៉ោង)។",
    ),
    "tie.speed_known": (
        "Same score as No. {other}; ranked above it: it has acknowledged referrals before "
        "({hours} h), No. {other} has no history yet.",
        "ពិន្ទុស្មើលេខ {other}។ ដាក់នៅខាងលើ៖ វាធ្លាប់ទទួលស្គាល់ការបញ្ជូន ({hours} ម៉ោង) "
        "ប៉ុន្តែលេខ {other} មិនទាន់មានប្រវត្តិទេ។",
    ),
    "tie.pathway": (
        "Same score as No. {other}; ranked above it for {pathway} (No. {other}: {other_pathway}).",
        "ពិន្ទុស្មើលេខ {other}។ ដាក់នៅខាងលើព្រោះមាន{pathway} (លេខ {other}៖ {other_pathway})។",
    ),
    "tie.equivalent": (
        "Equivalent to No. {other}: the same score, caseload, acknowledgement time and "
        "pathway; either is as good a choice.",
        "ស្មើនឹងលេខ {other}៖ ពិន្ទុ ការងារ ពេលទទួលស្គាល់ និងផ្លូវបញ្ជូនដូចគ្នា។ ជ្រើសមួយណាក៏ល្អដូចគ្នា។",
    ),
    # --- hard rules that left a provider out -------------------------------------------
    "excluded.holder": (
        "Holds the case now: recommendations are made from here.",
        "កំពុងកាន់ករណីនេះ៖ ការណែនាំចាប់ផ្ដើមពីទីនេះ។",
    ),
    "excluded.inactive": (
        "Marked inactive in the directory.",
        "ត្រូវបានសម្គាល់ថាអសកម្មក្នុងបញ្ជីឈ្មោះ។",
    ),
    "excluded.untrained": (
        "No active staff trained in {topic}.",
        "គ្មានបុគ្គលិកសកម្មដែលបានបណ្ដុះបណ្ដាលផ្នែក {topic} ទេ។",
    ),
    "excluded.untrained_since": (
        "No staff with a valid {topic} competency since {since}.",
        "គ្មានបុគ្គលិកមានការបញ្ជាក់ជំនាញ {topic} ដែលនៅមានសុពលភាព ចាប់តាំងពី {since}។",
    ),
    "excluded.age": (
        "Admits ages {min}–{max}; the child is {age}.",
        "ទទួលអាយុ {min}–{max} ឆ្នាំ។ កុមារមានអាយុ {age} ឆ្នាំ។",
    ),
    "excluded.gender": ("Admits {genders} only.", "ទទួលតែ {genders} ប៉ុណ្ណោះ។"),
    "excluded.lgbtiq": (
        "Not known to be LGBTIQ-affirming, which the child asked for.",
        "មិនត្រូវបានគេដឹងថាគាំទ្រ LGBTIQ ដែលកុមារបានស្នើសុំទេ។",
    ),
    "excluded.area": (
        "Does not serve the child's village (serves {areas}).",
        "មិនផ្ដល់សេវានៅភូមិរបស់កុមារទេ (ផ្ដល់សេវានៅ {areas})។",
    ),
    "excluded.declined": (
        "Declined this case on {on}: {reason}.",
        "បានបដិសេធករណីនេះនៅ {on}៖ {reason}។",
    ),
    "excluded.failed": (
        "Could not serve this case (ended {on}): {reason}.",
        "មិនអាចផ្ដល់សេវាដល់ករណីនេះបាន (បញ្ចប់នៅ {on})៖ {reason}។",
    ),
    "excluded.referred": (
        "Already referred this case for {service} on {on} ({status}).",
        "ករណីនេះត្រូវបានបញ្ជូនមកទីនេះរួចហើយសម្រាប់ {service} នៅ {on} ({status})។",
    ),
    "excluded.at_capacity": (
        "At capacity: {open} open referrals for a weekly capacity of {capacity}.",
        "ពេញចំនួនទទួលប្រចាំសប្ដាហ៍៖ ការបញ្ជូនបើក {open} លើចំនួនទទួលប្រចាំសប្ដាហ៍ {capacity}។",
    ),
    "excluded.ranked_below": (
        "Eligible, but ranked No. {rank} of {of} (score {score}): only {shown} are shown.",
        "មានលក្ខណៈសម្បត្តិគ្រប់ ប៉ុន្តែជាប់លេខ {rank} ក្នុងចំណោម {of} (ពិន្ទុ {score})៖ បង្ហាញតែ {shown} ប៉ុណ្ណោះ។",
    ),
    # --- notes on the whole answer --------------------------------------------------------
    "emergency.open_first": (
        "Emergency: every service open now is listed before any that is closed.",
        "ករណីបន្ទាន់៖ សេវាដែលកំពុងបើកទាំងអស់ត្រូវបានរាយមុនសេវាដែលបិទ។",
    ),
    "pep.first": (
        "Within 72 hours of the incident: services that can give post-exposure prophylaxis "
        "(PEP) come first; {hours} h left.",
        "ក្នុងរយៈពេល ៧២ ម៉ោងក្រោយហេតុការណ៍៖ សេវាដែលអាចផ្ដល់ថ្នាំការពារក្រោយការប៉ះពាល់ "
        "ត្រូវបានដាក់មុនគេ។ នៅសល់ {hours} ម៉ោង។",
    ),
    "language.nobody": (
        "No reachable provider speaks {language}; those that can arrange an interpreter "
        "rank higher.",
        "គ្មានអ្នកផ្ដល់សេវាណាដែលអាចទៅដល់និយាយភាសា {language} ទេ។ អ្នកដែលអាចរៀបចំអ្នកបកប្រែត្រូវបានដាក់ខ្ពស់ជាង។",
    ),
    "language.nobody_offers": (
        "No reachable provider speaks {language}; people who can interpret are listed below.",
        "គ្មានអ្នកផ្ដល់សេវាណាដែលអាចទៅដល់និយាយភាសា {language} ទេ។ អ្នកដែលអាចបកប្រែបានត្រូវបានរាយខាងក្រោម។",
    ),
    "language.nobody_none": (
        "No reachable provider speaks {language}, and nobody in the network is listed as "
        "interpreting it: arrange an interpreter before the first contact.",
        "គ្មានអ្នកផ្ដល់សេវាណាដែលអាចទៅដល់និយាយភាសា {language} ទេ "
        "ហើយគ្មាននរណាម្នាក់ក្នុងបណ្ដាញត្រូវបានចុះថាអាចបកប្រែភាសានេះ៖ "
        "សូមរៀបចំអ្នកបកប្រែមុនការទាក់ទងលើកដំបូង។",
    ),
    "interpreter.people": (
        "{count} people here can interpret {language} ({mode}).",
        "បុគ្គលិក {count} នាក់នៅទីនេះអាចបកប្រែភាសា {language} ({mode})។",
    ),
    "interpreter.service": (
        "Arranges interpreters ({mode}).",
        "រៀបចំអ្នកបកប្រែ ({mode})។",
    ),
}
