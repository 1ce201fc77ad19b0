"""Read `Pulumi.<stack>.yaml` config as the CLI would give it to a program: `secure:` values decrypted."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import yaml

from .passphrase import PassphraseCrypter


class StackConfigError(Exception):
    pass


def read_stack_config(path: Path, passphrase: Optional[str] = None) -> dict[str, str]:
    if not path.exists():
        raise StackConfigError(f"stack file {path} does not exist")
    document: dict[str, Any] = yaml.safe_load(path.read_text()) or {}
    config = document.get("config") or {}
    secure = {k: v["secure"] for k, v in config.items() if isinstance(v, dict) and "secure" in v}
    out = {k: str(v) for k, v in config.items() if k not in secure}
    if secure:
        salt = document.get("encryptionsalt")
        if not salt:
            raise StackConfigError(f"{path} has secure values but no encryptionsalt (passphrase provider)")
        phrase = passphrase if passphrase is not None else os.environ.get("PULUMI_CONFIG_PASSPHRASE")
        if phrase is None:
            raise StackConfigError("PULUMI_CONFIG_PASSPHRASE is not set; it is needed to read secure config values")
        crypter = PassphraseCrypter.from_encryptionsalt(salt, phrase)
        out.update({k: crypter.decrypt(v) for k, v in secure.items()})
    return out
