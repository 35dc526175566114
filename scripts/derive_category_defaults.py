"""Derive per-category default package weight and dimensions from the real Olist product table (run once; output committed).

Olist's ``olist_products_dataset.csv`` (32,951 Brazilian marketplace products) gives package weight (g) and
length/height/width (cm) per product and a Portuguese category, translated to English by Olist's own
translation table. Each English category is mapped to an xborder category below; the default is the
median per xborder category. The default HS heading is the category's representative heading in
``duties/rates.csv``. Writes ``src/xborder/reference/data/category_defaults.csv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OLIST = ROOT.parent / "shared" / "data" / "olist_brazilian_ecommerce" / "complete_tables"
OUT = ROOT / "src" / "xborder" / "reference" / "data" / "category_defaults.csv"
SOURCE = "https://github.com/olist/work-at-olist-data/blob/d9e49802f3e92d09ee94ab9ccc5e457f207a8959/datasets/olist_products_dataset.csv"

MAP = {
    "health_beauty": "beauty_personal_care",
    "perfumery": "beauty_personal_care",
    "diapers_and_hygiene": "baby",
    "computers_accessories": "consumer_electronics",
    "telephony": "consumer_electronics",
    "audio": "consumer_electronics",
    "electronics": "consumer_electronics",
    "tablets_printing_image": "consumer_electronics",
    "auto": "automotive",
    "bed_bath_table": "home_kitchen",
    "housewares": "home_kitchen",
    "la_cuisine": "home_kitchen",
    "kitchen_dining_laundry_garden_furniture": "home_kitchen",
    "home_confort": "home_kitchen",
    "home_comfort_2": "home_kitchen",
    "furniture_decor": "furniture",
    "office_furniture": "furniture",
    "furniture_living_room": "furniture",
    "furniture_bedroom": "furniture",
    "furniture_mattress_and_upholstery": "furniture",
    "sports_leisure": "sports_outdoors",
    "watches_gifts": "jewelry_watches",
    "food_drink": "food_beverage",
    "food": "food_beverage",
    "drinks": "food_beverage",
    "baby": "baby",
    "fashion_childrens_clothes": "baby",
    "stationery": "office_stationery",
    "toys": "toys_games",
    "consoles_games": "toys_games",
    "garden_tools": "garden",
    "costruction_tools_garden": "garden",
    "flowers": "garden",
    "fashion_bags_accessories": "bags_luggage",
    "luggage_accessories": "bags_luggage",
    "fashion_shoes": "footwear",
    "fashion_male_clothing": "apparel",
    "fashio_female_clothing": "apparel",
    "fashion_underwear_beach": "apparel",
    "fashion_sport": "apparel",
    "pet_shop": "pet_supplies",
    "party_supplies": "party_seasonal",
    "christmas_supplies": "party_seasonal",
    "construction_tools_lights": "lighting",
    "construction_tools_construction": "tools_hardware",
    "costruction_tools_tools": "tools_hardware",
    "home_construction": "tools_hardware",
    "construction_tools_safety": "tools_hardware",
    "art": "arts_crafts",
    "arts_and_craftmanship": "arts_crafts",
    "books_general_interest": "books_media",
    "books_technical": "books_media",
    "books_imported": "books_media",
    "cds_dvds_musicals": "books_media",
    "dvds_blu_ray": "books_media",
    "music": "books_media",
    "cool_stuff": "other",
    "market_place": "other",
}
HS = {  # representative heading per category (rows exist in duties/rates.csv)
    "home_kitchen": "392410",
    "party_seasonal": "950510",
    "toys_games": "950300",
    "baby": "611120",
    "apparel": "610910",
    "footwear": "640299",
    "bags_luggage": "420292",
    "jewelry_watches": "711719",
    "consumer_electronics": "851830",
    "lighting": "940542",
    "furniture": "940360",
    "beauty_personal_care": "330499",
    "health_medical": "902511",
    "sports_outdoors": "950691",
    "pet_supplies": "420100",
    "garden": "691490",
    "tools_hardware": "820559",
    "office_stationery": "482010",
    "arts_crafts": "960990",
    "food_beverage": "210690",
    "books_media": "490199",
    "automotive": "870899",
    "other": "392690",
}


def main() -> int:
    p = pd.read_csv(OLIST / "olist_products_dataset.csv")
    tr = pd.read_csv(OLIST / "product_category_name_translation.csv")
    p = p.merge(tr, on="product_category_name", how="left")
    p["category"] = p["product_category_name_english"].map(MAP)
    p = p.dropna(
        subset=["category", "product_weight_g", "product_length_cm", "product_width_cm", "product_height_cm"]
    )
    p = p[p["product_weight_g"] > 0]
    g = p.groupby("category").agg(
        n_products=("product_id", "size"),
        weight_kg=("product_weight_g", lambda s: s.median() / 1000),
        length_cm=("product_length_cm", "median"),
        width_cm=("product_width_cm", "median"),
        height_cm=("product_height_cm", "median"),
    )
    rows = []
    all_med = p[["product_weight_g", "product_length_cm", "product_width_cm", "product_height_cm"]].median()
    for cat, hs in HS.items():
        if cat in g.index:
            r = g.loc[cat]
            rows.append(
                {
                    "category": cat,
                    "hs_code": hs,
                    "weight_kg": round(float(r.weight_kg), 3),
                    "length_cm": float(r.length_cm),
                    "width_cm": float(r.width_cm),
                    "height_cm": float(r.height_cm),
                    "n_products": int(r.n_products),
                    "notes": "median package weight/dims of Olist products mapped to this category",
                }
            )
        else:
            rows.append(
                {
                    "category": cat,
                    "hs_code": hs,
                    "weight_kg": round(float(all_med.iloc[0]) / 1000, 3),
                    "length_cm": float(all_med.iloc[1]),
                    "width_cm": float(all_med.iloc[2]),
                    "height_cm": float(all_med.iloc[3]),
                    "n_products": 0,
                    "notes": "no Olist category maps here: median over all Olist products",
                }
            )
    out = pd.DataFrame(rows)
    out["source"] = SOURCE
    out["valid_from"] = "2016-09-01"
    out["valid_to"] = ""
    out["last_checked"] = "2026-11-26"
    out["confidence"] = "low"
    out.to_csv(OUT, index=False)
    print(
        out[
            ["category", "hs_code", "weight_kg", "length_cm", "width_cm", "height_cm", "n_products"]
        ].to_string()
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
