"""A URL's host as HTTP clients read it, for every rule that judges where a webhook points.

Clients apply the IDNA mapping (UTS 46) first: ideographic and full-width full stops are dots, full-width letters
and digits are ASCII (`https://127。0。0。1/` is loopback, `https://ＴＷＩＭＬＥＴＳ。com/` is Twimlets). A rule
that read the host as written would be fooled by such spellings."""
from __future__ import annotations

import idna


class InvalidHost(ValueError):
    """A host no client could resolve: the URL rules refuse it."""


def remapped(host: str) -> str:
    """The host after the UTS 46 mapping (an IP address stays an IP address)."""
    try:
        return str(idna.uts46_remap(host, std3_rules=False, transitional=False))
    except (idna.IDNAError, ValueError) as exc:
        raise InvalidHost(str(exc)) from None


def ascii_name(host: str) -> str:
    """A remapped host name as the DNS sees it: A-labels, lower case, no trailing dot."""
    try:
        return idna.encode(host.rstrip("."), uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidHost(str(exc)) from None


def fold_host(host: str) -> str:
    return ascii_name(remapped(host))
