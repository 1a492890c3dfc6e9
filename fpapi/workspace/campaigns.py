"""Campaigns as the store keeps them and as the analysis reads them."""

from __future__ import annotations

import secrets

from fpapi.analysis.campaigns import CampaignSpec
from fpapi.analysis.compare import Fee
from fpapi.storage.records import Campaign, iso_day

__all__ = ["campaign_of", "new_campaign_id", "spec_of"]


def new_campaign_id() -> str:
    return secrets.token_hex(8)


def spec_of(campaign: Campaign) -> CampaignSpec:
    fees = {}
    for creator_id, fee in campaign.fees.items():
        try:
            fees[creator_id] = Fee(float(fee["amount"]), str(fee["currency"]))
        except (KeyError, TypeError, ValueError):
            continue  # an unreadable fee is left out, never fatal
    return CampaignSpec(
        name=campaign.name,
        creator_ids=tuple(campaign.creator_ids),
        hashtags=tuple(campaign.hashtags),
        mentions=tuple(campaign.mentions),
        start=iso_day(campaign.start),
        end=iso_day(campaign.end),
        fees=fees,
        sponsored_only=campaign.sponsored_only,
        notes=campaign.notes,
    )


def campaign_of(spec: CampaignSpec, campaign_id: str, *, actor: str) -> Campaign:
    return Campaign(
        campaign_id=campaign_id,
        name=spec.name,
        creator_ids=list(spec.creator_ids),
        hashtags=list(spec.hashtags),
        mentions=list(spec.mentions),
        start=spec.start.isoformat() if spec.start else None,
        end=spec.end.isoformat() if spec.end else None,
        fees={cid: {"amount": f.amount, "currency": f.currency} for cid, f in spec.fees.items()},
        sponsored_only=spec.sponsored_only,
        notes=spec.notes,
        created_by=actor,
    )
