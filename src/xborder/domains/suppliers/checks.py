"""What a supplier holds and who it is: certificates and documents the target markets require (from the
compliance rule base), the four-part verification, financial/registration standing, and the ESG/audit gate.

Each returns one row per supplier with its indicator values and flags (message codes with their numbers):
a missing required certificate is a flag, not only a lower score; an unverified supplier is flagged wherever
it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CHECKS", "verification_status", "requirement_fit", "standing", "esg_gate", "valid_on"]

CHECKS = ("business_registration", "tax_registration", "bank_account", "legal_representative")
_CERT_KINDS = ("certificate",)
_DOC_KINDS = ("test", "declaration", "document")


def _flag(code: str, **args: Any) -> dict[str, Any]:
    return {"code": f"suppliers.{code}", "args": args}


def valid_on(frame: pd.DataFrame, day: dt.date, start: str, end: str) -> pd.Series:
    """Rows whose ``start`` is on or before ``day`` (or unknown) and ``end`` on or after it (or open)."""
    d = pd.Timestamp(day)
    s, e = pd.to_datetime(frame[start]), pd.to_datetime(frame[end])
    return (s.isna() | (s <= d)) & (e.isna() | (e >= d))


def verification_status(
    suppliers: Iterable[str], verifications: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """Per supplier: the status of each of the four checks on ``as_of`` (verified | expired | failed | pending |
    missing, from its latest evidence), ``verified`` (all four verified and current) and its flags."""
    idx = pd.Index(sorted(set(suppliers)), name="supplier_id")
    out = pd.DataFrame(index=idx, columns=list(CHECKS), dtype=object).fillna("missing")
    if not verifications.empty:
        v = verifications.assign(_d=pd.to_datetime(verifications["verified_on"]).fillna(pd.Timestamp.min))
        v = v.sort_values(["supplier_id", "check_type", "_d"]).groupby(["supplier_id", "check_type"]).last()
        current = valid_on(v.reset_index(), as_of, "verified_on", "expires_on").to_numpy()
        status = np.where(v["status"].eq("verified").to_numpy() & ~current, "expired", v["status"].to_numpy())
        for (sid, check), st in zip(v.index, status, strict=True):
            if sid in out.index and check in out.columns:
                out.loc[sid, check] = st
    out["verified"] = (out[list(CHECKS)] == "verified").all(axis=1)
    flags = []
    for _sid, row in out.iterrows():
        f = []
        if not row["verified"]:
            missing = [c for c in CHECKS if row[c] in ("missing", "pending", "expired")]
            failed = [c for c in CHECKS if row[c] == "failed"]
            if failed:
                f.append(_flag("verification_failed", checks=", ".join(failed)))
            f.append(
                _flag(
                    "unverified", missing=", ".join(missing + failed), checked=4 - len(missing) - len(failed)
                )
            )
        flags.append(f)
    return out.assign(flags=pd.Series(flags, index=out.index, dtype=object))


def _holds(certs: pd.DataFrame, code: str, product: str | None, kinds: tuple[str, ...] | None) -> bool:
    c = certs[certs["code"] == code]
    if kinds is not None:
        c = c[c["kind"].isin(kinds)]
    if product is not None:
        c = c[c["product_id"].isna() | (c["product_id"] == product)]
    return not c.empty


def requirement_fit(
    offers: pd.DataFrame,
    certificates: pd.DataFrame,
    requirements: pd.DataFrame,
    *,
    suppliers: Iterable[str],
    as_of: dt.date,
    required_standards: Iterable[str] = (),
    expiring_days: int = 60,
) -> pd.DataFrame:
    """Per supplier: ``certifications`` (share of the required certificates it holds, valid on ``as_of``) and
    ``documents`` (share of the required test reports, declarations and documents it supplied), 1 when nothing
    is required, with flags for each missing, expired or soon expiring one.

    Required: every code of ``required_standards`` (ISO9001, BSCI ...), and the mandatory requirements of the
    compliance rule base (``requirements``: compliance_checks rows of the supplier's offered products in the
    target markets) that a manufacturer holds (``holder`` names the manufacturer): kind certificate → a
    certificate; kind test, declaration or document → a document.
    """
    idx = pd.Index(sorted(set(suppliers)), name="supplier_id")
    certs = certificates if not certificates.empty else pd.DataFrame(columns=["supplier_id", "kind", "code",
                                                                             "product_id", "issued_on", "expires_on"])  # fmt: skip
    now = certs[valid_on(certs, as_of, "issued_on", "expires_on")] if len(certs) else certs
    req = requirements
    if not req.empty:
        req = req[
            req["mandatory"].fillna(False).astype(bool)
            & req["holder"].fillna("").str.contains("manufacturer")
        ]
    soon = pd.Timestamp(as_of) + pd.Timedelta(days=expiring_days)
    rows = []
    for sid in idx:
        mine, held = certs[certs["supplier_id"] == sid], now[now["supplier_id"] == sid]
        products = (
            set(offers.loc[offers["supplier_id"] == sid, "product_id"].dropna()) if len(offers) else set()
        )
        flags: list[dict[str, Any]] = []
        counts = {"certifications": [0, 0], "documents": [0, 0]}
        wanted: list[tuple[str, str | None, str, str]] = [
            (s, None, "certifications", "") for s in required_standards
        ]
        if not req.empty and products:
            r = req[req["product_id"].isin(products)]
            for (rule, product, kind), g in r.groupby(["rule_id", "product_id", "kind"]):
                which = (
                    "certifications" if kind in _CERT_KINDS else "documents" if kind in _DOC_KINDS else None
                )
                if which:
                    wanted.append((str(rule), str(product), which, ", ".join(sorted(g["market"].unique()))))
        missing: dict[tuple[str, str], dict[str, Any]] = {}
        for code, product, which, markets in wanted:
            counts[which][1] += 1
            kinds = ("certificate",) if product is None else None
            if _holds(held, code, product, kinds):
                counts[which][0] += 1
                continue
            m = missing.setdefault((which, code), {"products": set(), "markets": set()})
            m["products"].add(product or "")
            m["markets"].update(x for x in markets.split(", ") if x)
        for (which, code), m in sorted(missing.items()):
            old = mine[(mine["code"] == code) & (pd.to_datetime(mine["expires_on"]) < pd.Timestamp(as_of))]
            if len(old):
                flags.append(_flag("expired_certificate", certificate=code, markets=", ".join(sorted(m["markets"])) or "-",
                                   expired_on=str(pd.to_datetime(old["expires_on"]).max().date())))  # fmt: skip
            code_name = "missing_certificate" if which == "certifications" else "missing_document"
            flags.append(_flag(code_name, certificate=code, products=len(m["products"] - {""}) or 0,
                               markets=", ".join(sorted(m["markets"])) or "-"))  # fmt: skip
        ending: pd.DataFrame = held[pd.to_datetime(held["expires_on"]) <= soon]
        for ending_code, g in ending.groupby("code"):
            flags.append(_flag("certificate_expiring", certificate=str(ending_code),
                               expires_on=str(pd.to_datetime(g["expires_on"]).max().date())))  # fmt: skip
        rows.append({
            "supplier_id": sid,
            "certifications": counts["certifications"][0] / counts["certifications"][1] if counts["certifications"][1] else 1.0,
            "documents": counts["documents"][0] / counts["documents"][1] if counts["documents"][1] else 1.0,
            "required_certificates": counts["certifications"][1], "required_documents": counts["documents"][1],
            "missing_certificates": sum(1 for (w, _) in missing if w == "certifications"),
            "missing_documents": sum(1 for (w, _) in missing if w == "documents"),
            "flags": flags,
        })  # fmt: skip
    return pd.DataFrame(rows).set_index("supplier_id") if rows else pd.DataFrame(index=idx)


def standing(verification: pd.DataFrame, financial_score: pd.Series) -> pd.Series:
    """Financial/registration standing 0..1: the mean of the registration part (business and tax registration
    verified and current: 1 each half) and, when given, the latest financial score (0..1)."""
    reg = ((verification["business_registration"] == "verified").astype(float) * 0.5
           + (verification["tax_registration"] == "verified").astype(float) * 0.5)  # fmt: skip
    fin = financial_score.reindex(verification.index)
    return pd.Series(np.where(fin.notna(), (reg + fin) / 2, reg), index=verification.index, dtype=float)


def esg_gate(
    suppliers: Iterable[str], events: pd.DataFrame, as_of: dt.date, *, gate_days: int = 730
) -> pd.DataFrame:
    """Per supplier: ``gated`` (a major or critical ESG incident in the ``gate_days`` before ``as_of``, or a failed
    latest audit) and its flags (minor incidents are flagged without gating)."""
    idx = pd.Index(sorted(set(suppliers)), name="supplier_id")
    since = pd.Timestamp(as_of) - pd.Timedelta(days=gate_days)
    day = pd.to_datetime(events["event_date"])
    inc = events[(events["event_type"] == "incident") & (day >= since) & (day <= pd.Timestamp(as_of))]
    audits = events[events["event_type"] == "audit"].sort_values("event_date").groupby("supplier_id").last()
    rows = []
    for sid in idx:
        mine = inc[inc["supplier_id"] == sid]
        serious = mine[mine["severity"].isin(["major", "critical"])]
        flags = []
        if len(serious):
            flags.append(_flag("esg_gate", incidents=len(serious),
                               last=str(pd.to_datetime(serious["event_date"]).max().date()),
                               severity="critical" if (serious["severity"] == "critical").any() else "major"))  # fmt: skip
        minor = len(mine) - len(serious)
        if minor:
            flags.append(_flag("minor_incidents", incidents=minor))
        failed = sid in audits.index and audits.at[sid, "result"] == "fail"
        if failed:
            flags.append(_flag("audit_failed", on=str(audits.at[sid, "event_date"])[:10]))
        rows.append(
            {
                "supplier_id": sid,
                "gated": bool(len(serious)) or bool(failed),
                "incidents": len(mine),
                "flags": flags,
            }
        )
    return pd.DataFrame(rows).set_index("supplier_id") if rows else pd.DataFrame(index=idx)
