"""An opportunity page says why its forecast uses its model: the choice rule, the level's backtest against
AutoETS, and where this series' own last window disagreed (the ninth session's reading of the #1 pick)."""

from __future__ import annotations

import pytest

from xborder.report.model_note import model_choice_note

LEVEL = [
    {"model": "Chosen", "n": 200, "mase": 1.3164, "wape": 0.7061},
    {"model": "AutoETS", "n": 200, "mase": 1.3671, "wape": 0.7322},
    {"model": "Naive", "n": 200, "mase": 1.497, "wape": 0.783},
]
SERIES = [
    {"model": "Chosen", "n": 26, "mase": 1.039, "wape": 0.976},
    {"model": "ADIDA", "n": 26, "mase": 0.949, "wape": 0.891},
    {"model": "AutoETS", "n": 26, "mase": 0.943, "wape": 0.885},
]


def _choice(reason: str, model: str = "Mean(SeasonalNaive+WindowMedian)") -> dict:
    return {"model": model, "reason": reason, "level_accuracy": LEVEL}


def test_level_choice_names_the_level_score_and_the_model_that_beat_it_on_this_series() -> None:
    note = model_choice_note(
        _choice(
            "best over the level's series in the backtest (Mean(SeasonalNaive+WindowMedian)) [selection: series]"
        ),
        SERIES,
        "en",
    )
    assert note.startswith(
        "Why this model: Mean(SeasonalNaive+WindowMedian) scored best over all of this level's"
    )
    assert "200 series" in note and "MASE 1.316 / WAPE 0.706 against AutoETS's 1.367 / 0.732" in note
    # the best other model on this series is AutoETS (0.943 < ADIDA's 0.949), with its window's length
    assert (
        "On this series alone AutoETS scored better on that window (MASE 0.943 vs 1.039, 26 points)" in note
    )


def test_nothing_is_said_of_the_series_when_the_chosen_forecast_won_it() -> None:
    won = [dict(SERIES[0], mase=0.90)] + SERIES[1:]
    note = model_choice_note(_choice("best over the level's series in the backtest (X)"), won, "en")
    assert "alone" not in note and "AutoETS's 1.367" in note


def test_a_series_on_its_own_best_and_a_class_choice_say_so() -> None:
    own = model_choice_note(
        _choice("own backtest MAE lower than the level winner's by more than 50% [selection: series]", "TSB"),
        SERIES,
        "en",
    )
    assert own.startswith("Why this model: on this series' own backtest, TSB's error was more than 50% lower")
    cls = model_choice_note(
        _choice("best over the lumpy series in the backtest (ADIDA) [+ market events]", "ADIDA"), [], "en"
    )
    assert "ADIDA scored best over this level's lumpy series" in cls
    assert "sales events as regressors" in cls


def test_unrecognised_reasons_are_shown_as_written_and_a_missing_choice_says_nothing() -> None:
    assert (
        model_choice_note(_choice("a new rule", "Naive"), SERIES, "en")
        == "Why this model (Naive): a new rule."
    )
    assert model_choice_note({}, SERIES, "en") == ""
    short = model_choice_note(_choice("too short to backtest: Naive", "Naive"), SERIES, "en")
    assert "too short to backtest" in short and "AutoETS" not in short  # no backtest to compare with


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_languages_carry_the_same_numbers(lang: str) -> None:
    note = model_choice_note(_choice("best over the level's series in the backtest (X)"), SERIES, lang)
    for figure in ("1.316", "0.706", "1.367", "0.732", "0.943", "1.039", "26"):
        assert figure in note
    if lang == "zh":
        assert "为何用此模型" in note
