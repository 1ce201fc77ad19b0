"""Read `Pulumi.<stack>.yaml` config as the CLI would give it to a program: `secure:` values decrypted."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from .passphrase import PassphraseCrypter


class StackConfigError(Exception):
    pass


def _document(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise StackConfigError(f"stack file {path} does not exist")
    return yaml.safe_load(path.read_text()) or {}


def stack_crypter(path: Path, passphrase: str | None = None) -> PassphraseCrypter:
    """The stack's passphrase crypter: its `encryptionsalt` and the passphrase (default PULUMI_CONFIG_PASSPHRASE)."""
    salt = _document(path).get("encryptionsalt")
    if not salt:
        raise StackConfigError(f"{path} has no encryptionsalt: passphrase secrets are not set up for this stack")
    phrase = passphrase if passphrase is not None else environment_passphrase()
    if phrase is None:
        phrase = public_passphrase(path)
    if phrase is None:
        raise StackConfigError("PULUMI_CONFIG_PASSPHRASE is not set; it is needed to read this stack's secrets")
    return PassphraseCrypter.from_encryptionsalt(salt, phrase)


PUBLIC_PASSPHRASE_KEY = "twilio-tenants:publicPassphrase"


def environment_passphrase() -> str | None:
    """PULUMI_CONFIG_PASSPHRASE, else the contents of PULUMI_CONFIG_PASSPHRASE_FILE, as the CLI reads them."""
    phrase = os.environ.get("PULUMI_CONFIG_PASSPHRASE")
    if phrase is not None:
        return phrase
    file = os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if file:
        try:
            return Path(file).read_text().rstrip("\n")
        except OSError as error:
            raise StackConfigError(f"PULUMI_CONFIG_PASSPHRASE_FILE {file} cannot be read: {error.strerror}") from None
    return None


def public_passphrase(path: Path) -> str | None:
    """The passphrase a stack file itself publishes (`twilio-tenants:publicPassphrase`): only the sandbox and its
    shards do, whose secrets are the stand-in's own and worth nothing elsewhere. No other stack gets a default."""
    config = _document(path).get("config") or {}
    value = config.get(PUBLIC_PASSPHRASE_KEY)
    return value if isinstance(value, str) and value else None


def read_stack_config(path: Path, passphrase: str | None = None) -> dict[str, str]:
    config = _document(path).get("config") or {}
    secure = {k: v["secure"] for k, v in config.items() if isinstance(v, dict) and "secure" in v}
    # Structured values (a mapping, a list) are kept as JSON, as Pulumi's Config.get_object reads them.
    out = {k: json.dumps(v) if isinstance(v, (dict, list)) else str(v).lower() if isinstance(v, bool) else str(v)
           for k, v in config.items() if k not in secure}
    if secure:
        crypter = stack_crypter(path, passphrase)
        out.update({k: crypter.decrypt(v) for k, v in secure.items()})
    return out


def write_stack_file(path: Path, config: dict[str, str], secret: set[str], passphrase: str) -> None:
    """A `Pulumi.<stack>.yaml` with passphrase secrets, as `pulumi config set [--secret]` would leave it."""
    crypter, salt = PassphraseCrypter.new(passphrase)
    values: dict[str, Any] = {k: ({"secure": crypter.encrypt(v)} if k in secret else v) for k, v in config.items()}
    path.write_text(yaml.safe_dump({"encryptionsalt": salt, "config": values}, sort_keys=False))
