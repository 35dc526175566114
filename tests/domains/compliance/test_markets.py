"""At least one worked compliance case per market: which rules apply (and which must not)."""

from __future__ import annotations

import pytest

from xborder.domains.compliance import ProductAttributes, requirements_for
from xborder.domains.compliance.rules import MARKETS

DAY = "2026-11-26"
BT_SPEAKER = ProductAttributes(
    category="consumer_electronics",
    title="Portable Bluetooth speaker",
    wireless=True,
    battery=True,
    battery_type="li-ion",
)
MAINS_SPEAKER = ProductAttributes(
    category="consumer_electronics",
    title="Bluetooth speaker",
    wireless=True,
    mains=True,
    battery=True,
    battery_type="li-ion",
)
TOY = ProductAttributes(category="toys_games", title="Wooden stacking toy", for_children=True, age_min=3)
BABY_TOY = ProductAttributes(category="toys_games", title="Plush rattle", for_children=True, age_min=0)
KETTLE = ProductAttributes(category="home_kitchen", title="Electric kettle", mains=True, food_contact=True)
LIPSTICK = ProductAttributes(category="beauty_personal_care", title="Matte lipstick", cosmetic=True)
TSHIRT = ProductAttributes(category="apparel", title="Cotton T-shirt", textile_fibres="100% cotton")
SMART_PLUG = ProductAttributes(
    category="consumer_electronics", title="Wi-Fi smart plug", wireless=True, mains=True, connected=True
)

# (description, market, product, rules that must apply, rules that must not)
CASES = [
    (
        "Bluetooth speaker with Li-ion into DE: CE/RED, RoHS, WEEE + ElektroG, battery rules, GPSR RP",
        "DE",
        BT_SPEAKER,
        {
            "eu_red",
            "eu_tests_red",
            "eu_doc_ce",
            "eu_rohs",
            "eu_weee_label",
            "de_elektrog",
            "eu_batt_ce",
            "de_battdg",
            "eu_gpsr",
            "eu_gpsr_rp",
            "de_verpackg",
        },
        {"eu_lvd", "eu_emc", "de_battg", "eu_toy"},
    ),
    (
        "Mains speaker into FR: RED covers LVD; French EPR UIDs for EEE, batteries, packaging; Triman",
        "FR",
        MAINS_SPEAKER,
        {"eu_red", "fr_uid_eee", "fr_uid_batteries", "fr_uid_packaging", "fr_triman", "fr_toubon"},
        {"eu_lvd"},
    ),
    (
        "Toy into IT: Toy Safety Directive with EN 71 tests, GPSR, Italian packaging label",
        "IT",
        TOY,
        {"eu_toy", "eu_toy_tests", "eu_doc_ce", "eu_gpsr_rp", "it_pack_label"},
        {"eu_toy_reg", "it_raee"},
    ),
    (
        "Kettle into ES: LVD+EMC, food contact, RAEE registration",
        "ES",
        KETTLE,
        {"eu_lvd", "eu_emc", "eu_fcm", "es_raee", "es_envases"},
        {"eu_red"},
    ),
    (
        "Lipstick into NL: cosmetics RP, PIF, CPNP; packaging declaration",
        "NL",
        LIPSTICK,
        {"eu_cos_rp", "eu_cos_pif", "eu_cos_cpnp", "nl_packaging"},
        {"nl_weee", "eu_doc_ce"},
    ),
    (
        "T-shirt into PL: textile fibre label, BDO registration",
        "PL",
        TSHIRT,
        {"eu_textile", "pl_bdo", "eu_gpsr"},
        {"eu_doc_ce"},
    ),
    (
        "Smart plug into SE: RED + cybersecurity delegated act, producer registration",
        "SE",
        SMART_PLUG,
        {"eu_red", "eu_red_cyber", "se_producer"},
        {"eu_cra"},
    ),
    (
        "Toy into GB: UKCA/CE, Toys (Safety) Regs, UK importer address",
        "GB",
        TOY,
        {"gb_ukca_ce", "gb_toys", "gb_toy_tests", "gb_importer", "gb_gps"},
        {"gb_psti"},
    ),
    ("Smart plug into GB: PSTI", "GB", SMART_PLUG, {"gb_psti", "gb_ukca_ce", "gb_weee"}, set()),
    (
        "Toy into US: CPC + ASTM F963-23 + tracking label",
        "US",
        TOY,
        {"us_cpc", "us_astm_f963_23", "us_tracking_label", "us_efiling"},
        {"us_astm_f963_17", "us_fcc_id"},
    ),
    (
        "Bluetooth speaker into US: FCC ID (not SDoC)",
        "US",
        BT_SPEAKER,
        {"us_fcc_id"},
        {"us_fcc_sdoc", "us_cpc"},
    ),
    ("Lipstick into US: MoCRA listing", "US", LIPSTICK, {"us_mocra"}, {"us_fcc_sdoc"}),
    (
        "Bluetooth speaker into CA: ISED certification",
        "CA",
        BT_SPEAKER,
        {"ca_ised_cert", "ca_bilingual"},
        {"ca_ices003"},
    ),
    (
        "Kettle into MX: NOM-003 certificate, Spanish electronics info",
        "MX",
        KETTLE,
        {"mx_nom003", "mx_nom024"},
        {"mx_ift"},
    ),
    ("Toy into BR: INMETRO", "BR", TOY, {"br_inmetro_toys", "br_cdc_label"}, {"br_anatel"}),
    (
        "Bluetooth speaker into JP: Giteki, PSE for the Li-ion cell, domestic administrator",
        "JP",
        BT_SPEAKER,
        {"jp_giteki", "jp_pse_battery", "jp_domestic_admin"},
        {"jp_psc_toys"},
    ),
    (
        "Infant toy into JP: PSC for under-3 toys and Food Sanitation Act",
        "JP",
        BABY_TOY,
        {"jp_psc_toys", "jp_food_sanitation", "jp_domestic_admin"},
        set(),
    ),
    ("Toy into KR: KC under the children's products act", "KR", TOY, {"kr_children"}, {"kr_kc_safety"}),
    ("Mains speaker into AU: RCM and EESS", "AU", MAINS_SPEAKER, {"au_rcm", "au_eess"}, {"au_toys_36m"}),
    ("Kettle into SG: SAFETY Mark controlled goods", "SG", KETTLE, {"sg_cps"}, {"sg_imda"}),
    ("Bluetooth speaker into MY: MCMC/SIRIM", "MY", BT_SPEAKER, {"my_mcmc"}, {"my_st_sirim"}),
    (
        "Bluetooth speaker into TH: NBTC and TISI (Li battery)",
        "TH",
        BT_SPEAKER,
        {"th_nbtc", "th_tisi"},
        set(),
    ),
    ("Toy into VN: QCVN 3:2019 CR mark", "VN", TOY, {"vn_toys", "vn_label"}, {"vn_toys_2009"}),
    ("Toy into ID: mandatory SNI", "ID", TOY, {"id_sni_toys", "id_label"}, {"id_sdppi"}),
    ("Kettle into PH: PS/ICC mark", "PH", KETTLE, {"ph_bps"}, {"ph_ntc"}),
    (
        "Bluetooth speaker into SA: SABER PCoC/SCoC, IECEE RC, CST",
        "SA",
        BT_SPEAKER,
        {"sa_pcoc", "sa_scoc", "sa_iecee", "sa_cst"},
        set(),
    ),
    ("Bluetooth speaker into AE: ECAS and TDRA", "AE", BT_SPEAKER, {"ae_ecas", "ae_tdra"}, set()),
    ("Toy into TR: CE under Law 7223", "TR", TOY, {"tr_ce", "tr_tests", "tr_7223"}, {"tr_aee"}),
    (
        "Bluetooth speaker into IN: BIS CRS, WPC ETA, e-waste EPR",
        "IN",
        BT_SPEAKER,
        {"in_bis_crs", "in_wpc", "in_ewaste", "in_battery_epr", "in_legal_metrology"},
        {"in_toys_qco"},
    ),
]


@pytest.mark.parametrize(
    ("description", "market", "product", "must", "must_not"), CASES, ids=[c[0] for c in CASES]
)
def test_requirements_per_market(
    description: str, market: str, product: ProductAttributes, must: set, must_not: set
) -> None:
    reqs = requirements_for(product, [market], DAY)
    got = set(reqs["rule_id"])
    assert must <= got, f"missing {sorted(must - got)}"
    assert not (must_not & got), f"should not apply: {sorted(must_not & got)}"
    assert (reqs["market"] == market).all()


def test_every_market_has_a_case() -> None:
    """The 25 first markets have their cases here; every market (64) has its golden case in test_markets_golden."""
    from tests.domains.compliance.test_markets_golden import RULE_BASE_MARKETS

    assert {c[1] for c in CASES} <= set(MARKETS) and set(RULE_BASE_MARKETS) == set(MARKETS)


def test_rows_carry_source_date_and_holder() -> None:
    reqs = requirements_for(BT_SPEAKER, ["DE"], DAY)
    row = reqs.set_index("rule_id").loc["eu_gpsr_rp"]
    assert row["source"] == "https://eur-lex.europa.eu/eli/reg/2023/988/oj"
    assert str(row["valid_from"]) == "2024-12-13"
    assert "EU responsible person" in row["holder"]
    assert row["basis"] == "stated" and row["confidence"] == "high"


def test_requirements_from_inferred_attributes_are_marked() -> None:
    reqs = requirements_for(ProductAttributes(title="RED TOADSTOOL LED NIGHT LIGHT"), ["DE"], DAY)
    basis = reqs.set_index("rule_id")["basis"]
    assert basis["de_elektrog"] == "inferred"  # only the word LED says it is electrical
    assert basis["eu_gpsr"] == "stated"
    none = requirements_for(
        ProductAttributes(title="RED TOADSTOOL LED NIGHT LIGHT"), ["DE"], DAY, infer=False
    )
    assert "de_elektrog" not in set(none["rule_id"])
