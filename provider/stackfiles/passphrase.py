"""Pulumi's passphrase secrets provider, byte for byte.

key = PBKDF2-HMAC-SHA256(passphrase, 8-byte salt, 1,000,000 rounds, 32 bytes); values are AES-256-GCM with a
12-byte nonce, written `v1:<b64 nonce>:<b64 ciphertext+tag>`; a stack's `encryptionsalt` is `v1:<b64 salt>:`
followed by the encryption of the text `pulumi`, which is how a wrong passphrase is told apart.
"""
from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROUNDS = 1_000_000
CHECK_TEXT = "pulumi"


@lru_cache(maxsize=8)
def _derived_key(passphrase: str, salt: bytes) -> bytes:
    """A million PBKDF2 rounds take a quarter of a second: one process (a deploy reads the stack file and its
    state with the same key) derives each key once."""
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, ROUNDS, 32)


class IncorrectPassphrase(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass(frozen=True)
class PassphraseCrypter:
    key: bytes
    salt: bytes

    @classmethod
    def derive(cls, passphrase: str, salt: bytes) -> PassphraseCrypter:
        return cls(_derived_key(passphrase, salt), salt)

    @classmethod
    def new(cls, passphrase: str) -> tuple[PassphraseCrypter, str]:
        """A crypter for a new stack and its `encryptionsalt` line."""
        crypter = cls.derive(passphrase, os.urandom(8))
        return crypter, f"v1:{_b64(crypter.salt)}:{crypter.encrypt(CHECK_TEXT)}"

    @classmethod
    def from_encryptionsalt(cls, encryptionsalt: str, passphrase: str) -> PassphraseCrypter:
        parts = encryptionsalt.split(":", 2)
        if len(parts) != 3 or parts[0] != "v1":
            raise ValueError(f"not a passphrase encryptionsalt: {encryptionsalt[:12]}...")
        crypter = cls.derive(passphrase, base64.b64decode(parts[1]))
        try:
            check = crypter.decrypt(parts[2])
        except (InvalidTag, ValueError):
            raise IncorrectPassphrase("incorrect passphrase for this stack (PULUMI_CONFIG_PASSPHRASE)") from None
        if check != CHECK_TEXT:
            raise IncorrectPassphrase("incorrect passphrase for this stack (PULUMI_CONFIG_PASSPHRASE)")
        return crypter

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        return f"v1:{_b64(nonce)}:{_b64(AESGCM(self.key).encrypt(nonce, plaintext.encode(), None))}"

    def decrypt(self, value: str) -> str:
        version, nonce, ciphertext = value.split(":", 2)
        if version != "v1":
            raise ValueError(f"unknown secret format {version}")
        return AESGCM(self.key).decrypt(base64.b64decode(nonce), base64.b64decode(ciphertext), None).decode()

    def __repr__(self) -> str:
        return "PassphraseCrypter(key=***)"
