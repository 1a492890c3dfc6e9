from __future__ import annotations

import inspect

import fpapi
from fpapi import errors


def test_package_all_matches_its_public_names():
    public = {
        name
        for name, value in vars(fpapi).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert set(fpapi.__all__) - {"__version__"} == public


def test_every_error_class_is_drawn_in_the_module_docstring():
    classes = [
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, errors.FPAPIError | errors.StudioError)
    ]
    assert len(classes) == 22  # the link problems are in fpapi.links, by their life cycle
    for name in classes:
        assert name in errors.__doc__, name
        assert name in errors.__all__


def test_status_codes_map_to_the_documented_classes():
    assert isinstance(errors.status_error(401), errors.AuthError)
    assert isinstance(errors.status_error(403), errors.AuthError)
    assert isinstance(errors.status_error(404), errors.NotFound)
    assert isinstance(errors.status_error(429, retry_after=7), errors.RateLimited)
    assert isinstance(errors.status_error(503), errors.ServerError)
    assert isinstance(errors.status_error(400), errors.BadRequest)
    assert isinstance(errors.status_error(422), errors.APIStatusError)


def test_messages_are_sentences_that_say_what_to_do():
    rate = errors.status_error(429, retry_after=7)
    assert "Try again in 7 seconds." in str(rate)
    auth = str(errors.status_error(401))
    assert auth.endswith(".") and "FPAPI_TOKEN" in auth
    failed = errors.VerificationFailed({"code": "expired", "message": "Token expired"})
    assert "expired" in str(failed) and "fresh verification link" in str(failed)
    assert failed.code == "expired"


def test_the_app_errors_share_one_root_apart_from_the_api_errors():
    from fpapi import links

    app_errors = [getattr(errors, name) for name in ("SettingsError", "DataDirError", "StoreError", "ShortlistError", "LinkRequestError", "NotPermitted")]  # fmt: skip
    app_errors += [links.LinkProblem, links.UnknownLink, links.LinkExpired, links.LinkAlreadyUsed]
    for cls in app_errors:
        name = cls.__name__
        assert issubclass(cls, errors.StudioError), name
        assert not issubclass(cls, errors.FPAPIError | ValueError), name
