"""rag.scope: the forms under which the corpus may use a name the question writes."""

from __future__ import annotations

import pytest

from rag.scope import name_forms


@pytest.mark.parametrize(
    "name, form",
    [
        ("Public Administration Reform Council", "PAR Council"),  # first words' initials before the rest
        ("Public Administration Reform", "PAR"),  # initials
        ("Defence Ministry", "Ministry of Defence"),  # a two-word name turned round
        ("Justice Ministry", "Ministry of Justice"),
    ],
)
def test_a_name_may_be_written_in_another_form(name: str, form: str) -> None:
    assert form in name_forms(name)


def test_only_a_two_word_name_is_turned_round() -> None:
    assert name_forms("Tax") == ["Tax"]
    assert not any(" of " in form for form in name_forms("State Data Centre"))
    assert "Defence of Ministry" not in name_forms("Ministry of Defence")
