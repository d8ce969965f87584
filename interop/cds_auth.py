"""CDS Hooks 2.0 "Trusting CDS Clients": every call from an EHR carries a short-lived JWT, signed
(ES384 or RS384) with a key the EHR published. This verifies it against keys configured per issuer.

Keys come only from configuration: a `jku` (or `x5u`, `jwk`) header is ignored, never fetched or
trusted, so a token cannot point at keys of its own choosing and the check makes no outbound call.
"""

import hashlib
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import SECP384R1, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from django.core.cache import cache

# The spec's algorithms. The allow-list is checked before any key is chosen, so "none", HS*
# (a public key misused as an HMAC secret) and other families never reach verification.
ALGORITHMS = ("ES384", "RS384")
LEEWAY = 30  # seconds of clock skew tolerated on exp, iat and nbf
# The longest lifetime (exp - iat) accepted by default. CDS Hooks 2.0 sets none; this is the
# service's policy (SMART Backend Services asks the same of its assertions), which also bounds
# how long a token's jti must be remembered against replay. CDS_HOOKS_MAX_TOKEN_LIFETIME sets it.
MAX_LIFETIME = 300


@dataclass(frozen=True)
class CdsClient:
    """The verified caller."""

    issuer: str  # the JWT's iss
    token_id: str  # jti
    tenant: str | None  # optional 'tenant' claim


class CdsAuthError(Exception):
    """Why a call is refused; str(error) is a sentence safe to show the caller (no key material)."""


def _fits(raw: Mapping, key: jwt.PyJWK, alg: str) -> bool:
    """Whether the key may verify alg: P-384 for ES384, RSA for RS384, and not restricted to
    another algorithm or to encryption (the JWK's alg and use, RFC 7517 §4.2, §4.4)."""
    if raw.get("alg", alg) != alg or raw.get("use", "sig") != "sig":
        return False
    if alg == "ES384":
        return isinstance(key.key, EllipticCurvePublicKey) and isinstance(key.key.curve, SECP384R1)
    return alg == "RS384" and isinstance(key.key, RSAPublicKey)


def _key(jwks: Mapping, issuer: str, kid: object, alg: str) -> jwt.PyJWK:
    """The issuer's key the token names (by kid), or its only usable key when it names none."""
    keys: list[tuple[Mapping, jwt.PyJWK]] = []
    for raw in jwks.get("keys", []) if isinstance(jwks, Mapping) else []:
        try:
            if isinstance(raw, Mapping):
                keys.append((raw, jwt.PyJWKSet([dict(raw)]).keys[0]))
        except jwt.PyJWTError:
            continue  # a key type PyJWT cannot use
    named = [(raw, key) for raw, key in keys if kid is None or key.key_id == kid]
    if kid is not None and not named:
        raise CdsAuthError(f"key {kid!r} is not among the keys of issuer {issuer!r}")
    usable = [key for raw, key in named if _fits(raw, key, alg)]
    if kid is None and len(usable) != 1:
        raise CdsAuthError(f"the token names no key (kid) and issuer {issuer!r} has not one")
    if not usable:
        raise CdsAuthError(f"key {kid!r} of issuer {issuer!r} cannot verify {alg}")
    return usable[0]


def _number(claims: Mapping, name: str) -> float:
    """A time claim; JSON may carry NaN or Infinity (Python parses them), which never expire."""
    value = claims.get(name)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # an integer beyond a float (10**400)
        number = math.nan
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(number):
        raise CdsAuthError(f"the token's {name} claim must be a number")
    return number


def cds_client_verify(
    authorization: str | None,
    *,
    audience: str | Sequence[str],
    issuers: Mapping[str, Mapping],
    now: float | None = None,
    seen: Callable[[str, str, float], bool] | None = None,
    max_lifetime: int = MAX_LIFETIME,
) -> CdsClient:
    """The caller of a CDS Service, from its `Authorization: Bearer <JWT>` header.

    `audience` is this service's endpoint URL (or the URLs it answers at: any one matches);
    `issuers` maps each trusted iss to its JWKS (public keys). The unverified iss only picks the
    key set; everything is trusted after the signature verifies. `seen(issuer, jti, exp)`
    reports a replayed token; it is called last, so a token refused for any other reason (e.g.
    tried against the wrong audience) is not recorded.
    """
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if not authorization:
        raise CdsAuthError("the Authorization header is missing")
    if scheme.lower() != "bearer" or not token or " " in token:
        raise CdsAuthError("the Authorization header is not 'Bearer <token>'")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise CdsAuthError("the bearer token is not a well-formed JWT") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise CdsAuthError(f"the token's algorithm (alg) {alg!r} is not ES384 or RS384")
    typ = header.get("typ", "JWT")
    if not isinstance(typ, str) or typ.upper() != "JWT":
        raise CdsAuthError(f"the token's type (typ) {typ!r} is not JWT")
    if "crit" in header:
        raise CdsAuthError("the token has critical header extensions (crit) this service lacks")
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or issuer not in issuers:
        raise CdsAuthError(f"the issuer (iss) {issuer!r} is not trusted by this service")
    key = _key(issuers[issuer], issuer, header.get("kid"), alg)
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            audience=audience,
            issuer=issuer,
            # Times are checked below, against `now`.
            options={
                "require": ["iss", "aud", "exp", "iat", "jti"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise CdsAuthError("the token's signature does not verify") from None
    except jwt.MissingRequiredClaimError as missing:
        raise CdsAuthError(f"the token lacks the required {missing.claim!r} claim") from None
    except jwt.InvalidAudienceError:
        expected = audience if isinstance(audience, str) else " or ".join(audience)
        raise CdsAuthError(f"the token's audience (aud) is not {expected}") from None
    except jwt.PyJWTError as error:
        raise CdsAuthError(f"the token is invalid ({type(error).__name__})") from None
    now = time.time() if now is None else now
    exp, iat = _number(claims, "exp"), _number(claims, "iat")
    if exp <= now - LEEWAY:
        raise CdsAuthError("the token has expired (exp)")
    if iat > now + LEEWAY or ("nbf" in claims and _number(claims, "nbf") > now + LEEWAY):
        raise CdsAuthError("the token is not valid yet: it was issued in the future (iat/nbf)")
    if exp - iat > max_lifetime:
        raise CdsAuthError(
            f"the token's lifetime (exp - iat) exceeds the {max_lifetime} seconds this service "
            "accepts"
        )
    jti, tenant = claims["jti"], claims.get("tenant")
    if not isinstance(jti, str) or not jti:
        raise CdsAuthError("the token's jti claim must be a non-empty string")
    if tenant is not None and not isinstance(tenant, str):
        raise CdsAuthError("the token's tenant claim must be a string")
    if seen is not None and seen(issuer, jti, exp):
        raise CdsAuthError("token already used: its jti was seen before (a replay)")
    return CdsClient(issuer=issuer, token_id=jti, tenant=tenant)


def jti_seen_in_cache(issuer: str, jti: str, exp: float) -> bool:
    """Record (issuer, jti) in Django's default cache until exp (cache.add); True if it was there
    already. Keys are hashed to stay short whatever the jti. Only a definite "already there" counts:
    a cache outage (django-redis answers None) lets the signed, short-lived token through."""
    key = "cds-jti:" + hashlib.sha256(f"{issuer}\x00{jti}".encode()).hexdigest()
    added = cache.add(key, 1, timeout=max(1, int(exp - time.time()) + 30))
    return added is False
