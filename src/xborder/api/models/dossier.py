"""The product × market dossier (``xborder.pipeline.dossier``) as the API answers it: envelope and sections.

The sections of the registry's stages each have a model here, their rows built from the tables the
section reads; a section without one (a new domain's) is documented as a :class:`DossierSection`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, create_model

from xborder.api.models.rows import row_model

__all__ = [
    "Opportunity",
    "OpportunityFactor",
    "OtherMarket",
    "HistoryPoint",
    "ForecastPoint",
    "ForecastAccuracy",
    "ForecastSeries",
    "TrendSignal",
    "ResearchNotes",
    "LandedCost",
    "ComplianceCheck",
    "ComplianceSummary",
    "ImprovementOpportunity",
    "PainPoint",
    "ReviewExample",
    "Product",
    "Market",
    "StageStatus",
    "DossierSection",
    "SelectionSection",
    "DemandSection",
    "LandedCostSection",
    "ComplianceSection",
    "ReviewsSection",
    "SECTION_MODELS",
    "sections_model",
    "Dossier",
]


class _Fixed(BaseModel):
    """A part the pipeline builds itself: keys it does not declare are an error."""

    model_config = ConfigDict(extra="forbid")


Opportunity = row_model("opportunities", "Opportunity")
OpportunityFactor = row_model("opportunity_factors", "OpportunityFactor")
ForecastPoint = row_model("forecasts", "ForecastPoint")
ForecastAccuracy = row_model("forecast_accuracy", "ForecastAccuracy")
ForecastSeries = row_model("forecast_series", "ForecastSeries")
TrendSignal = row_model("trend_signals", "TrendSignal")
LandedCost = row_model("landed_costs", "LandedCost")
ComplianceCheck = row_model("compliance_checks", "ComplianceCheck")
ComplianceSummary = row_model("compliance_summary", "ComplianceSummary")
ImprovementOpportunity = row_model("improvement_opportunities", "ImprovementOpportunity")
ReviewExample = row_model(
    "reviews",
    "ReviewExample",
    (
        "review_id",
        "product_id",
        "rating",
        "title",
        "text",
        "language",
        "market_code",
        "reviewed_at",
        "source",
    ),
)
Product = row_model("products", "Product")
Market = row_model("markets", "Market")


class StageStatus(_Fixed):
    """Whether the section's stage ran for this run and, if not, why."""

    status: str = Field(description="ok | skipped | failed | not run (the run's record of the stage).")
    reason: str | None = Field(None, description="Why it was skipped.")
    reason_code: str | None = Field(None, description="The reason as a message code.")
    error: str | None = Field(None, description="Why it failed.")


class DossierSection(BaseModel):
    """A domain's part of the dossier: its own keys, and the status of its stage."""

    model_config = ConfigDict(extra="allow")

    stage: StageStatus


class _Section(_Fixed):
    stage: StageStatus


class OtherMarket(_Fixed):
    """The same product in another market of the run."""

    market: str
    score: float | None
    rank: int | None
    status: str | None = Field(
        None, description="ranked | gated (fails a gate) | not_assessed | home (the baseline market) | ..."
    )


class SelectionSection(_Section):
    """The opportunity row, its factors with their contributions, the same product in the seller's home market
    (the baseline), the product's other markets (ranked first)."""

    opportunity: Opportunity | None  # type: ignore[valid-type]
    factors: list[OpportunityFactor]  # type: ignore[valid-type]
    home: Opportunity | None = None  # type: ignore[valid-type]
    other_markets: list[OtherMarket]


class HistoryPoint(_Fixed):
    """Units sold in one period (and, from order lines, in how many orders)."""

    ds: dt.date = Field(description="First day of the period.")
    y: float | None = Field(description="Units sold.")
    orders: int | None = Field(None, description="Distinct orders (order-line history only).")


class DemandSection(_Section):
    """Sales history, the forecast with its intervals, backtest accuracy, trend signals."""

    freq: str = Field(description="The frequency shown (`forecast_shown`, `history`).")
    history_source: str | None = Field(description="order_lines | sales | null (no history).")
    history: list[HistoryPoint]
    forecast: list[ForecastPoint]  # type: ignore[valid-type]
    forecast_shown: list[ForecastPoint]  # type: ignore[valid-type]
    kinds: list[str]
    bases: list[str]
    accuracy: list[ForecastAccuracy]  # type: ignore[valid-type]
    choice: ForecastSeries | None = Field(  # type: ignore[valid-type]
        description="The series' model and why it was chosen (null: no forecast of this series in the run)."
    )
    level_accuracy: list[ForecastAccuracy] = Field(  # type: ignore[valid-type]
        description="The product × market level's overall backtest rows (unique_id __overall__), same frequency."
    )
    trends: list[TrendSignal]  # type: ignore[valid-type]


class ResearchNotes(_Fixed):
    """Where the rules behind the landed cost stop being researched, per language."""

    en: list[str]
    zh: list[str]


class LandedCostSection(_Section):
    """The landed-cost lines per shipping mode."""

    rows: list[LandedCost]  # type: ignore[valid-type]
    research_notes: ResearchNotes


class ComplianceSection(_Section):
    """The requirements of the product in the market and their summary."""

    rows: list[ComplianceCheck]  # type: ignore[valid-type]
    summary: ComplianceSummary | None  # type: ignore[valid-type]


class PainPoint(ImprovementOpportunity):  # type: ignore[misc, valid-type]
    """A pain point to fix, with up to two verbatim review excerpts."""

    example_texts: list[str]


class ReviewsSection(_Section):
    """Pain points at the most specific level that has some, and example reviews."""

    level: str = Field(
        description="product_market | product | category_market | category | empty (no pain points)."
    )
    pains: list[PainPoint]
    examples: list[ReviewExample]  # type: ignore[valid-type]


SECTION_MODELS: dict[str, type[BaseModel]] = {
    "selection": SelectionSection,
    "demand": DemandSection,
    "landed_cost": LandedCostSection,
    "compliance": ComplianceSection,
    "reviews": ReviewsSection,
}
"""The model of each section by name; sections not named here are :class:`DossierSection`."""


class _OtherSections(BaseModel):
    """Sections without a model of their own are :class:`DossierSection`."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, DossierSection] = Field(init=False)  # type: ignore[assignment]


def sections_model() -> type[BaseModel]:
    """The ``sections`` object: one key per dossier section of the registry, in run order."""
    from xborder.pipeline.dossier import sections

    spec = {s.name: (SECTION_MODELS.get(s.name, DossierSection), ...) for s in sections()}
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        "DossierSections",
        __base__=_OtherSections,
        __doc__="Each stage's part of the dossier, in run order.",
        __module__="xborder.api.models",
        **spec,
    )
    return model


class Dossier(_Fixed):
    """Everything known about one product in one market for one run (``xborder.pipeline.dossier``)."""

    run_id: str
    product_id: str
    market: str
    product: Product  # type: ignore[valid-type]
    market_info: Market  # type: ignore[valid-type]
    sections: sections_model()  # type: ignore[valid-type]
