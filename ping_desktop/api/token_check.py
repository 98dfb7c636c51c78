"""Checking an API token's form when it comes in (typed, pasted, from the environment).

A token travels in an HTTP header, which takes printable ASCII only. A line break inside one
used to surface as "Cannot reach 127.0.0.1" after five retries (and could smuggle a header),
a non-ASCII letter as "Unexpected problem (UnicodeEncodeError ...)". Spaces and line breaks
around the token (a paste) are removed; anything else is refused here with a plain message
that says what is wrong and where, never the token itself.
"""

from __future__ import annotations

from ping_desktop.api.errors import PingApiError


class TokenFormatError(PingApiError, ValueError):
    """The token cannot be a Ping API token; ``message`` says why (without the token)."""


def _what(ch: str) -> str:
    if ch in "\r\n":
        return "a line break"
    if ch == "\t":
        return "a tab"
    if ch.isspace():
        return "a space"
    if ord(ch) > 126:
        return f"a character that is not plain ASCII ({ch!r} is not allowed)" if ch.isprintable() \
            else "an invisible non-ASCII character"
    return "an invisible control character"


def check_token(token: str) -> str:
    """``token`` without surrounding whitespace; :class:`TokenFormatError` when it cannot be
    a token (empty, or a space, line break, control or non-ASCII character inside)."""
    cleaned = token.strip()
    if not cleaned:
        raise TokenFormatError("The API token is empty. Paste the token from your Ping account.")
    for position, ch in enumerate(cleaned, 1):
        if not (33 <= ord(ch) <= 126):
            raise TokenFormatError(
                f"The API token contains {_what(ch)} at position {position} of {len(cleaned)}, "
                "so it cannot be a Ping API token. Copy it again from your Ping account, "
                "without extra characters, and enter it once more."
            )
    return cleaned
