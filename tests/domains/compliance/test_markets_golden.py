"""Every market of the rule base answers for a telling product, with the rules and sources the table gives.

The product is a rechargeable remote-control car for children from 3 (toy, Li-ion battery, no radio remote
stated): in every market the requirement ids it must get are written out below from the rules' conditions
(``applies_if``) and dates, and one national rule per market must cite the source address read for it.
Where the toy gets no national rule (New Zealand's toy standard covers under-3s; Singapore and South Africa
regulate mains equipment), a second telling product is used: a baby rattle with a button cell or a kettle.

The engine reads its market list and the EU members from ``markets.csv`` (``test_engine_lists_every_market``).
"""

from __future__ import annotations

import pytest

import xborder.domains.compliance.rules as compliance_rules
from xborder.domains.compliance import ProductAttributes, requirements_for
from xborder.reference import as_of, load_table

DAY = "2026-12-01"
_MARKETS = as_of(load_table("markets"), DAY)
RULE_BASE_MARKETS = tuple(sorted(set(_MARKETS["market_code"])))
RULE_BASE_EU = tuple(sorted(set(_MARKETS.loc[_MARKETS["region"] == "EU", "market_code"])))

RC_CAR = ProductAttributes(
    category="toys_games",
    title="Rechargeable remote-control car",
    for_children=True,
    age_min=3,
    battery=True,
    battery_type="li-ion",
)
RATTLE = ProductAttributes(
    category="toys_games",
    title="Musical baby rattle",
    for_children=True,
    age_min=0,
    battery=True,
    battery_type="button",
)
KETTLE = ProductAttributes(category="home_kitchen", title="Electric kettle", mains=True, food_contact=True)

# EU-wide rules a battery toy meets on 2026-12-01: GPSR and its responsible person, CE under the Toy Safety
# Directive with EN 71 tests, EMC (electronic, no radio) and RoHS, the Battery Regulation (CE from 2024-08-18,
# collection and EPR from 2025-08-18, label from 2026-08-18), WEEE marking, REACH, PPWR (from 2026-08-12),
# the MSR economic operator, and UN 38.3 for the Li-ion cell (all markets).
EU_TOY = {
    "all_un383", "eu_gpsr", "eu_gpsr_rp", "eu_msr_art4", "eu_toy", "eu_toy_tests", "eu_doc_ce", "eu_emc",
    "eu_tests_emc_lvd", "eu_rohs", "eu_batt_ce", "eu_batt_collect", "eu_batt_label", "eu_weee_label", "eu_reach",
    "eu_ppwr",
}  # fmt: skip


def _eu_member(prefix: str) -> set[str]:
    return EU_TOY | {f"{prefix}_weee_batt", f"{prefix}_packaging"}


# market -> (product, requirement ids it must get, (a national rule id, the source address it must cite))
CASES: dict[str, tuple[ProductAttributes, set[str], tuple[str, str]]] = {
    # the original 25 markets
    "US": (RC_CAR, {"all_un383", "us_cpc", "us_astm_f963_23", "us_tracking_label", "us_efiling", "us_fcc_sdoc",
                    "us_amazon_battery"},
           ("us_cpc", "https://www.cpsc.gov/Business--Manufacturing/Testing-Certification/Childrens-Product-Certificate")),
    "CA": (RC_CAR, {"all_un383", "ca_toys", "ca_ccpsa", "ca_ices003", "ca_bilingual"},
           ("ca_toys", "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2011-17/")),
    "MX": (RC_CAR, {"all_un383", "mx_nom003", "mx_nom015", "mx_nom024", "mx_nom050"},
           ("mx_nom003", "https://www.dof.gob.mx/nota_detalle.php?codigo=5394047&fecha=28/05/2015")),
    "BR": (RC_CAR, {"all_un383", "br_inmetro_toys", "br_cdc_label"},
           ("br_cdc_label", "https://www.planalto.gov.br/ccivil_03/leis/l8078compilado.htm")),
    "GB": (RC_CAR, {"all_un383", "gb_gps", "gb_toys", "gb_toy_tests", "gb_tests", "gb_ukca_ce", "gb_importer",
                    "gb_weee", "gb_batteries", "gb_reach", "gb_pack_epr"},
           ("gb_toys", "https://www.legislation.gov.uk/uksi/2011/1881")),
    "DE": (RC_CAR, EU_TOY | {"de_elektrog", "de_elektrog_marketplace", "de_verpackg", "de_battdg"},
           ("de_verpackg", "https://www.gesetze-im-internet.de/verpackg/")),
    "FR": (RC_CAR, EU_TOY | {"fr_uid_packaging", "fr_uid_eee", "fr_uid_batteries", "fr_uid_toys", "fr_triman",
                             "fr_toubon"},
           ("fr_uid_packaging", "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000041553759")),
    "IT": (RC_CAR, EU_TOY | {"it_raee", "it_pack_label"}, ("it_raee", "https://www.registroaee.it")),
    "ES": (RC_CAR, EU_TOY | {"es_raee", "es_envases"}, ("es_raee", "https://www.boe.es/eli/es/rd/2015/02/20/110")),
    "NL": (RC_CAR, EU_TOY | {"nl_weee", "nl_packaging"}, ("nl_weee", "https://wetten.overheid.nl/BWBR0034782")),
    "PL": (RC_CAR, EU_TOY | {"pl_bdo"}, ("pl_bdo", "https://bdo.mos.gov.pl")),
    "SE": (RC_CAR, EU_TOY | {"se_producer", "se_packaging"},
           ("se_producer", "https://www.naturvardsverket.se/vagledning-och-stod/producentansvar/")),
    "JP": (RC_CAR, {"all_un383", "jp_pse_battery", "jp_domestic_admin", "jp_food_sanitation"},
           ("jp_pse_battery", "https://www.meti.go.jp/policy/consumer/seian/denan/")),
    "KR": (RC_CAR, {"all_un383", "kr_kc_safety", "kr_kc_rra", "kr_children"},
           ("kr_kc_rra", "https://www.rra.go.kr/en/index.do")),
    "AU": (RC_CAR, {"all_un383", "au_rcm"}, ("au_rcm", "https://www.acma.gov.au/electromagnetic-compatibility-emc")),
    "SG": (KETTLE, {"sg_cps"}, ("sg_cps", "https://sso.agc.gov.sg/SL/CPTDSRA1975-RG1")),
    "MY": (RC_CAR, {"all_un383", "my_toys"}, ("my_toys", "https://mysafe.kpdn.gov.my/portal/post/8")),
    "TH": (RC_CAR, {"all_un383", "th_tisi", "th_tisi_toys"}, ("th_tisi_toys", "https://www.tisi.go.th")),
    "VN": (RC_CAR, {"all_un383", "vn_toys", "vn_label"},
           ("vn_toys", "https://thuvienphapluat.vn/bulletin/document.aspx?key1=k%3DRJNU5EY3Tk")),
    "ID": (RC_CAR, {"all_un383", "id_sni_toys", "id_label"},
           ("id_sni_toys", "https://www.global-regulation.com/translation/indonesia/7204994/regulation-of-the-minister-of-industry-number-24-m-ind-per-4-2013-2013.html")),
    "PH": (RC_CAR, {"all_un383", "ph_toys"}, ("ph_toys", "https://www.officialgazette.gov.ph/2013/09/03/republic-act-no-10620/")),
    "SA": (RC_CAR, {"all_un383", "sa_pcoc", "sa_scoc", "sa_iecee"}, ("sa_pcoc", "https://saber.sa")),
    "AE": (RC_CAR, {"all_un383", "ae_ecas"}, ("ae_ecas", "https://moiat.gov.ae")),
    "TR": (RC_CAR, {"all_un383", "tr_7223", "tr_tests", "tr_ce", "tr_aee"},
           ("tr_7223", "https://www.resmigazete.gov.tr/eskiler/2020/03/20200312-1.htm")),
    "IN": (RC_CAR, {"all_un383", "in_toys_qco", "in_bis_crs", "in_ewaste", "in_battery_epr", "in_legal_metrology"},
           ("in_ewaste", "https://eprewastecpcb.in")),
    # EU members added in issue 14: the EU-wide rules plus the national EEE/battery and packaging EPR
    "AT": (RC_CAR, _eu_member("at"), ("at_weee_batt", "https://www.edm.gv.at")),
    "BE": (RC_CAR, _eu_member("be"), ("be_packaging", "https://www.ivcie.be")),
    "BG": (RC_CAR, _eu_member("bg"), ("bg_weee_batt", "https://eea.government.bg")),
    "HR": (RC_CAR, _eu_member("hr"), ("hr_weee_batt", "https://www.fzoeu.hr")),
    "CY": (RC_CAR, _eu_member("cy"), ("cy_packaging", "https://www.greendot.com.cy")),
    "CZ": (RC_CAR, _eu_member("cz"), ("cz_packaging", "https://www.ekokom.cz")),
    "DK": (RC_CAR, _eu_member("dk"), ("dk_weee_batt", "https://www.dpa-system.dk")),
    "EE": (RC_CAR, _eu_member("ee"), ("ee_weee_batt", "https://keskkonnaamet.ee")),
    "FI": (RC_CAR, _eu_member("fi"), ("fi_weee_batt", "https://www.ely-keskus.fi")),
    "GR": (RC_CAR, _eu_member("gr"), ("gr_weee_batt", "https://www.eoan.gr")),
    "HU": (RC_CAR, _eu_member("hu"), ("hu_weee_batt", "https://mohu.hu")),
    "IE": (RC_CAR, _eu_member("ie"), ("ie_weee_batt", "https://www.producerregister.ie")),
    "LV": (RC_CAR, _eu_member("lv"), ("lv_weee_batt", "https://www.vvd.gov.lv")),
    "LT": (RC_CAR, _eu_member("lt"), ("lt_weee_batt", "https://www.gpais.eu")),
    "LU": (RC_CAR, _eu_member("lu"), ("lu_packaging", "https://www.valorlux.lu")),
    "MT": (RC_CAR, _eu_member("mt"), ("mt_weee_batt", "https://era.org.mt")),
    "PT": (RC_CAR, _eu_member("pt"), ("pt_packaging", "https://www.pontoverde.pt")),
    "RO": (RC_CAR, _eu_member("ro"), ("ro_weee_batt", "https://www.afm.ro")),
    "SK": (RC_CAR, _eu_member("sk"), ("sk_weee_batt", "https://www.minzp.sk")),
    "SI": (RC_CAR, _eu_member("si"), ("si_weee_batt", "https://www.arso.gov.si")),
    # EEA and Switzerland
    "NO": (RC_CAR, {"all_un383", "no_eea_ce", "no_ee_producer", "no_packaging"},
           ("no_ee_producer", "https://lovdata.no/dokument/SF/forskrift/2004-06-01-930")),
    "IS": (RC_CAR, {"all_un383", "is_eea_ce", "is_recycling_fee"}, ("is_recycling_fee", "https://www.urvinnslusjodur.is")),
    "LI": (RC_CAR, {"all_un383", "li_eea_ce", "li_take_back"}, ("li_eea_ce", "https://www.efta.int/eea")),
    "CH": (RC_CAR, {"all_un383", "ch_prsg", "ch_toys", "ch_vreg", "ch_batteries"},
           ("ch_vreg", "http://www.swicorecycling.ch/en/disposal/faq")),
    # marketplace markets and markets the demo data proposes
    "EG": (RC_CAR, {"all_un383", "eg_goeic"}, ("eg_goeic", "https://www.goeic.gov.eg")),
    "AR": (RC_CAR, {"all_un383", "ar_toys"}, ("ar_toys", "https://www.argentina.gob.ar/produccion")),
    "CL": (RC_CAR, {"all_un383", "cl_toys", "cl_sec"}, ("cl_sec", "https://www.sec.cl")),
    "CO": (RC_CAR, {"all_un383", "co_toys"}, ("co_toys", "https://www.minsalud.gov.co")),
    "UY": (KETTLE, {"uy_electrical", "uy_label"}, ("uy_label", "https://www.impo.com.uy")),
    "PE": (RC_CAR, {"all_un383", "pe_toys"}, ("pe_toys", "https://www.gob.pe/digesa")),
    "TW": (RC_CAR, {"all_un383", "tw_bsmi_toys", "tw_bsmi_electrical"}, ("tw_bsmi_toys", "https://www.bsmi.gov.tw")),
    "HK": (RC_CAR, {"all_un383", "hk_toys"}, ("hk_toys", "https://www.elegislation.gov.hk/hk/cap424")),
    "IL": (RC_CAR, {"all_un383", "il_toys"}, ("il_toys", "https://www.gov.il")),
    "ZA": (KETTLE, {"za_nrcs"}, ("za_nrcs", "https://www.nrcs.org.za")),
    "LB": (RC_CAR, {"all_un383", "lb_label"}, ("lb_label", "https://www.economy.gov.lb")),
    "BH": (RC_CAR, {"all_un383", "bh_toys"}, ("bh_toys", "https://www.gso.org.sa")),
    "NG": (RC_CAR, {"all_un383", "ng_soncap"}, ("ng_soncap", "https://son.gov.ng")),
    "BM": (RC_CAR, {"all_un383", "bm_cpa"}, ("bm_cpa", "https://www.gov.bm")),
    "NZ": (RATTLE, {"nz_toys"}, ("nz_toys", "https://www.consumerprotection.govt.nz")),
}  # fmt: skip


@pytest.mark.parametrize("market", sorted(CASES))
def test_requirements_per_market(market: str) -> None:
    product, expected, (rule_id, source) = CASES[market]
    reqs = requirements_for(product, market, DAY, infer=False)
    assert set(reqs["rule_id"]) == expected
    assert (reqs["market"] == market).all()
    row = reqs.set_index("rule_id").loc[rule_id]
    assert row["source"] == source
    assert row["confidence"] in ("high", "medium", "low")


def test_the_eea_and_swiss_answers_differ_from_the_eu_ones() -> None:
    # EU-wide rows (GPSR, Battery Regulation) are EU law: the EEA states get their own rows saying CE applies
    no = set(requirements_for(RC_CAR, "NO", DAY, infer=False)["rule_id"])
    assert not any(r.startswith("eu_") for r in no) and "no_eea_ce" in no
    # the Swiss take-back fee covers electric toys (VREG, SENS/Swico), and a kettle adds the low-voltage ordinance
    ch = set(requirements_for(KETTLE, "CH", DAY, infer=False)["rule_id"])
    assert ch == {"ch_prsg", "ch_vreg", "ch_nev"}


def test_engine_lists_every_market() -> None:
    assert set(RULE_BASE_MARKETS) <= set(compliance_rules.MARKETS)
    assert set(RULE_BASE_EU) <= set(compliance_rules.EU_MEMBERS)
