"""ApiKey: a standard key in the tenant's subaccount for the CRM. Twilio shows its secret once: keep it (secret)."""
from __future__ import annotations

from typing import Any, Optional

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .base import TwilioProvider, create_once, explain

OUTPUTS = ("sid", "secret")


class ApiKeyProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        name = news.get("friendly_name")
        return self.checked(news, self.failures([
            ("friendly_name", None if isinstance(name, str) and 0 < len(name) <= 64
             else "friendly_name must be 1 to 64 characters")]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = ["account_sid"] if olds.get("account_sid") != news.get("account_sid") else []
        changed = replaces or olds.get("friendly_name") != news.get("friendly_name")
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _keys(self, account_sid: str) -> Any:
        return self.session.client.api.v2010.accounts(account_sid)

    def create(self, props: dict[str, Any]) -> CreateResult:
        account, name = props["account_sid"], props["friendly_name"]
        if not self.session.is_fresh(account):
            # A key left by a crashed run cannot be adopted (its secret was shown once and lost): revoke it.
            self._revoke_named(account, name)
        key = create_once(f"create API key {name}",
                          lambda: self._keys(account).new_keys.create(friendly_name=name),
                          lambda: self._revoke_named(account, name),
                          in_doubt=lambda: self.session.spoil(account))
        return CreateResult(key.sid, {**props, "sid": key.sid, "secret": key.secret})

    def _revoke_named(self, account: str, name: str) -> None:
        """Returns None always: an orphan found after an ambiguous create is revoked, then we create again."""
        for orphan in self._keys(account).keys.list():
            if orphan.friendly_name == name:  # already gone (a dropped answer to our own delete) counts as done
                self.delete_quietly(self._keys(account).keys(orphan.sid).delete, account,
                                    f"(revoke) orphaned API key {orphan.sid}")
        return None

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        key = self.fetch_live(lambda: self._keys(props["account_sid"]).keys(id_).fetch(), f"API key {id_}")
        if key is None:
            return self.gone()
        return ReadResult(id_, {**props, "friendly_name": key.friendly_name})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        try:
            self._keys(news["account_sid"]).keys(id_).update(friendly_name=news["friendly_name"])
        except Exception as error:
            raise explain(f"rename API key {id_}", error) from None
        return UpdateResult({**news, "sid": id_, "secret": olds.get("secret")})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.delete_quietly(lambda: self._keys(props["account_sid"]).keys(id_).delete(), props["account_sid"],
                            f"(revoke) API key {id_}")


class ApiKey(Resource, module="twilio", name="ApiKey"):
    """`secret` is a Pulumi secret."""

    sid: pulumi.Output[str]
    secret: pulumi.Output[str]

    def __init__(self, resource_name: str, *, account_sid: pulumi.Input[str], friendly_name: str,
                 opts: Optional[pulumi.ResourceOptions] = None):
        props = {"account_sid": account_sid, "friendly_name": friendly_name, **{k: None for k in OUTPUTS}}
        secret = pulumi.ResourceOptions(additional_secret_outputs=["secret"])
        super().__init__(ApiKeyProvider(), resource_name, props, pulumi.ResourceOptions.merge(opts, secret))
