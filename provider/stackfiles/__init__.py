"""Pulumi stack files without the CLI: passphrase secrets and `secure:` config values."""
from .passphrase import IncorrectPassphrase, PassphraseCrypter
from .stack_config import StackConfigError, read_stack_config, stack_crypter, write_stack_file

__all__ = ["IncorrectPassphrase", "PassphraseCrypter", "StackConfigError", "read_stack_config", "stack_crypter", "write_stack_file"]
