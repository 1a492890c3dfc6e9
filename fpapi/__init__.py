"""fpapi: a client for the vendor's First Party API, with its cache, store and sandbox.

Nothing in this package imports Streamlit: it could be published on its own. Its layers:

    api/        the vendor's API: the client and models of its answers
    analysis/   pure analysis of those answers: frames, metrics, reports, comparisons, exports
    storage/    what the app keeps: the insight cache and the store
    workspace/  the app's own flows: settings, access, the connect flow, the roster
    sandbox/    an emulator of the vendor's contract on loopback
    errors.py   both error trees (the API's and the app's); redact.py keeps secrets out of text
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
    DataDirError,
    FPAPIError,
    InvalidResponse,
    LinkAlreadyUsed,
    LinkExpired,
    LinkProblem,
    LinkRequestError,
    NotFound,
    RateLimited,
    ServerError,
    SettingsError,
    ShortlistError,
    StoreError,
    StudioError,
    TransportError,
    UnknownLink,
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
    "DataDirError",
    "FPAPIError",
    "FirstPartyClient",
    "GrowthTrends",
    "Insights",
    "InvalidResponse",
    "LinkAlreadyUsed",
    "LinkExpired",
    "LinkProblem",
    "LinkRequestError",
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
    "SettingsError",
    "ShortlistError",
    "StoreError",
    "StudioError",
    "TransportError",
    "TrendPoint",
    "UnknownLink",
    "VerificationFailed",
    "VerificationLink",
    "VerifiedCreator",
    "__version__",
]
