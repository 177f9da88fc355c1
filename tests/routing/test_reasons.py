"""Reasons read in Khmer without English words in them, and keep codes in ``params``."""

from __future__ import annotations

import re

import pytest

from referral_graph.domain.vocabulary import DeliveryMode, RiskLevel, Service
from referral_graph.routing.reasons import CATALOGUE, SERVICE_NAMES, reason, scored

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
KHMER_NAME = "គ.ក.ន.ក បឹងក្រំ"  # a holder or provider name, as the directory may give it
CODES = {
    "holder": KHMER_NAME,
    "via": KHMER_NAME,
    "service": Service.PHONE_COUNSELLING.value,
    "mode": DeliveryMode.PHONE.value,
    "risk": RiskLevel.EMERGENCY.value,
    "language": "tpu",
    "topic": "psychological_first_aid",
    "month": "2027-03",
    "open": 3,
    "capacity": 20,
    "hours": 6,
    "count": 4,
    "min": 0,
    "max": 17,
    "age": 19,
    "genders": ("female", "non_binary"),
    "areas": ("1602", "160201"),
    "on": "2026-12-03",
    "since": "2026-11-02",
    "opens": "2026-03-09T07:30:00",
    "reason": "no_capacity",
    "status": "accepted",
    "pathway": "direct",
    "other_pathway": "none",
    "other": 3,
    "other_open": 5,
    "other_capacity": 10,
    "other_hours": 12.5,
    "rank": 7,
    "of": 9,
    "score": 41.25,
    "shown": 5,
}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_reason_reads_in_khmer_without_english_words(key: str) -> None:
    fields = set(re.findall(r"{(\w+)}", CATALOGUE[key][1]))
    made = reason(key, **{name: CODES[name] for name in fields})
    # LGBTIQ is the acronym the programme uses in Khmer too
    assert LATIN_WORD.findall(made.km.replace("LGBTIQ", "")) == [], made.km
    assert "{" not in made.en and "{" not in made.km


@pytest.mark.parametrize("service", list(Service))
def test_every_service_has_both_names(service: Service) -> None:
    made = reason("pathway.direct", holder=KHMER_NAME, service=service.value)
    assert made.params["service"] == service.value  # the code, for a client to translate
    english, khmer = SERVICE_NAMES[service.value]
    assert made.en.endswith(f" for {english}.") and "_" not in made.en
    assert khmer in made.km
    assert LATIN_WORD.findall(made.km) == [], made.km


def test_modes_and_risks_read_as_words_in_both_languages() -> None:
    remote = reason("place.remote", mode=DeliveryMode.ONLINE.value)
    assert (remote.en, remote.km) == ("Serves the child online.", "ផ្ដល់សេវាដល់កុមារតាមអនឡាញ។")
    urgent = reason("risk.added_professional", risk=RiskLevel.HIGH.value)
    assert urgent.en == "Added: a case at high risk must be offered a professional service."
    assert "ខ្ពស់" in urgent.km
    assert urgent.params == {"risk": "high"}


def test_dates_times_and_codes_read_as_a_person_writes_them() -> None:
    declined = reason("excluded.declined", on="2026-12-03", reason="no_capacity")
    assert declined.en == "Declined this case on 3 Dec 2026: no counsellor or staff available."
    assert "៣ ធ្នូ ២០២៦" in declined.km and "គ្មានអ្នកប្រឹក្សា" in declined.km
    closed = reason("open.closed", opens="2026-03-09T07:30:00")
    assert closed.en == "Closed now; opens Mon 9 Mar, 07:30."
    assert "ច័ន្ទ ៩ មីនា ០៧:៣០" in closed.km
    ages = reason("excluded.age", min=0, max=17, age=19)
    assert ages.en == "Admits ages 0–17; the child is 19."
    assert "០–១៧" in ages.km
    girls = reason("excluded.gender", genders=("female",))
    assert girls.en == "Admits girls and women only."
    assert girls.params == {"genders": ("female",)}


def test_points_are_kept_to_hundredths_and_shared() -> None:
    assert scored("load.free", 7.0001, open=3, capacity=10).points == 7.0
    assert scored("place.commune", 20) is scored("place.commune", 20.0)
    assert reason("open.now").points == 0
