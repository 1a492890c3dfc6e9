"""Campaigns as the store keeps them and as the analysis reads them."""

from __future__ import annotations

import secrets
from typing import Protocol

from fpapi.analysis.campaigns import CampaignSpec, spec_params
from fpapi.analysis.compare import Fee
from fpapi.sandbox import instagram_pool
from fpapi.sandbox.campaigns import (
    CAMPAIGN_END,
    CAMPAIGN_NAME,
    CAMPAIGN_START,
    CAMPAIGN_TAGS,
    campaign_fee,
    takes_part,
)
from fpapi.sandbox.insights import size_of
from fpapi.storage.records import Campaign, Creator, iso_day
from fpapi.workspace.demo import DEMO_CREATORS

__all__ = ["campaign_of", "example_campaign", "new_campaign_id", "spec_of"]


class Roster(Protocol):
    """What the example needs of a workspace: which of these creators are on its roster."""

    def creators(self, creator_ids: list[str] | None = None) -> list[Creator]: ...


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


def example_campaign(roster: Roster) -> dict[str, str] | None:
    """The sandbox's example campaign (its shared hashtags, dates and a fee for each) over the
    demo creators on the roster, at most DEMO_CREATORS of them, as the address of its report
    (what ``spec_from_params`` reads); None when none of them is on the roster."""
    demo = {a.creator_id: a for a in instagram_pool() if takes_part(a)}
    on_roster = [c.creator_id for c in roster.creators(list(demo)) if c.connector == "instagram"]
    creator_ids = tuple(on_roster[:DEMO_CREATORS])
    if not creator_ids:
        return None
    spec = CampaignSpec(
        name=CAMPAIGN_NAME,
        creator_ids=creator_ids,
        hashtags=CAMPAIGN_TAGS,
        start=CAMPAIGN_START,
        end=CAMPAIGN_END,
        fees={cid: Fee(campaign_fee(size_of(demo[cid])[1]), "EUR") for cid in creator_ids},
    )
    return spec_params(spec)
