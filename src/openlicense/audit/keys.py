"""The platform's Ed25519 signing key for ledger checkpoints."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from openlicense.audit.signing import generate_private_key_pem, load_private_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from openlicense.settings import Settings


class SigningKeyMissing(RuntimeError):
    pass


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """From OPENLICENSE_AUDIT__SIGNING_KEY; in development a key file generated once under
    the data folder. Production refuses to run without a configured key."""
    if settings.audit.signing_key is not None:
        return _load(settings.audit.signing_key.get_secret_value())
    if settings.environment == "production":
        raise SigningKeyMissing(
            "Set OPENLICENSE_AUDIT__SIGNING_KEY: production needs a stable signing key."
        )
    path = Path(settings.data_dir) / "ledger-signing-key.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate_private_key_pem())
        path.chmod(0o600)
    return _load(path.read_text())


@lru_cache(maxsize=8)
def _load(material: str) -> Ed25519PrivateKey:
    return load_private_key(material)
