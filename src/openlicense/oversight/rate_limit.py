"""Rate limiting of the audit API per API key, with a `Retry-After` header on 429."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import CacheObject, RateLimitMiddleware

from openlicense.accounts.tokens import split_api_key


def is_api_key_request(request: Request[Any, Any, Any]) -> bool:
    """Only machine access is limited: a person's browsing is slow enough by nature."""
    return bool(request.headers.get("x-api-key"))


def api_key_identifier(request: Request[Any, Any, Any]) -> str:
    key = request.headers.get("x-api-key", "")
    parts = split_api_key(key)
    return f"api-key:{parts[0] if parts else key[:24]}"


class RetryAfterRateLimitMiddleware(RateLimitMiddleware):
    def create_response_headers(self, cache_object: CacheObject) -> dict[str, str]:
        headers = super().create_response_headers(cache_object)
        reset = headers.get(self.config.rate_limit_reset_header_key)
        headers["Retry-After"] = reset if reset and reset.isdigit() and int(reset) > 0 else "1"
        return headers


def retry_after_middleware() -> type[RateLimitMiddleware]:
    return RetryAfterRateLimitMiddleware
