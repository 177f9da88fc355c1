"""How to reach a provider: phone numbers and named contact people.

Kept as the directories that describe providers keep them (HSDS ``phone`` and
``contact``), so that importing another organisation's directory loses none of them and
exporting gives them back.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Phone(BaseModel):
    """One phone number (HSDS ``phone``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: str = Field(min_length=1, max_length=60)
    extension: str | None = Field(None, max_length=20)
    kind: str | None = Field(
        None, max_length=20, description="voice, fax, text, cell, video, pager or textphone"
    )
    description: str | None = Field(None, max_length=500)


class ContactPerson(BaseModel):
    """A named person to ask for (HSDS ``contact``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)
    department: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=200)
    phones: tuple[Phone, ...] = ()
