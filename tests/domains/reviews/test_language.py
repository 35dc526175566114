"""Language detection: the eight required languages, short English, and undeterminable texts."""

from __future__ import annotations

from xborder.domains.reviews.language import detect_language, detect_languages


def test_required_languages() -> None:
    texts = {
        "en": "The battery died after two days and the seller never answered.",
        "de": "Die Größe passt überhaupt nicht und das Material fühlt sich billig an.",
        "fr": "La taille est beaucoup trop petite et la couleur ne correspond pas à la photo.",
        "es": "El producto llegó roto y el servicio al cliente no respondió nunca.",
        "it": "Il prodotto è arrivato rotto e il servizio clienti non ha mai risposto.",
        "pt": "O produto chegou quebrado e o atendimento nunca respondeu às mensagens.",
        "ja": "電池がすぐになくなります。とても残念です。",
        "zh": "质量很差，用了几天就坏了，客服也不理人。",
    }
    got = detect_languages(list(texts.values()))
    assert got == list(texts)


def test_short_english_uses_the_fast_path() -> None:
    assert detect_language("Love my Echo!") == "en"
    assert detect_language("Works with my phone") == "en"


def test_undeterminable_texts_are_none() -> None:
    assert detect_languages(["", "👍👍", "12", "ok"]) == [None, None, None, None]
