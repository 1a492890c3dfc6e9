"""fpapi: a client for the vendor's First Party API, with its cache, store and sandbox.

Nothing in this package imports Streamlit: it could be published on its own.
"""

from __future__ import annotations

__version__ = "0.1.0"

from fpapi.api.client import DEFAULT_PATHS, ApiPaths, FirstPartyClient
from fpapi.api.models import (
    Account,
    Audience,
    GrowthTrends,
    Insights,
    LockableSection,
    Post,
    Posts,
    ProfileDetails,
    ProfileOverview,
    Quality,
    ReachAndEngagement,
    TrendPoint,
    VerificationLink,
    VerifiedCreator,
)
from fpapi.errors import (
    APIStatusError,
    AuthError,
    BadRequest,
    FPAPIError,
    InvalidResponse,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    VerificationFailed,
)

__all__ = [
    "DEFAULT_PATHS",
    "APIStatusError",
    "Account",
    "ApiPaths",
    "Audience",
    "AuthError",
    "BadRequest",
    "FPAPIError",
    "FirstPartyClient",
    "GrowthTrends",
    "Insights",
    "InvalidResponse",
    "LockableSection",
    "NotFound",
    "Post",
    "Posts",
    "ProfileDetails",
    "ProfileOverview",
    "Quality",
    "RateLimited",
    "ReachAndEngagement",
    "ServerError",
    "TransportError",
    "TrendPoint",
    "VerificationFailed",
    "VerificationLink",
    "VerifiedCreator",
    "__version__",
]
