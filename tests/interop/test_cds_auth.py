"""CDS Hooks client authentication: the EHR's JWT accepted when signed (ES384/RS384) by a trusted
issuer's key for this service, refused (with a sentence naming why) otherwise.

The main ES384 token and its JWKS are built by hand with `cryptography`, not PyJWT, so the
verifier is checked against an independent implementation of JWS."""

import base64
import hashlib
import hmac
import json
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from interop.cds_auth import CdsAuthError, CdsClient, cds_client_verify, jti_seen_in_cache

ISSUER = "https://ehr.example.org"
AUDIENCE = "https://guidance.example.org/cds-services/psychoplastogen-order"
NOW = 1_700_000_000.0
EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_json(value: dict) -> str:
    return b64u(json.dumps(value, separators=(",", ":")).encode())


def ec_jwk(key: ec.EllipticCurvePrivateKey, kid: str) -> dict:
    numbers = key.public_key().public_numbers()
    x, y = (b64u(n.to_bytes(48, "big")) for n in (numbers.x, numbers.y))
    return {"kty": "EC", "crv": "P-384", "x": x, "y": y, "kid": kid, "use": "sig"}


def rsa_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    numbers = key.public_key().public_numbers()
    n, e = (b64u(i.to_bytes((i.bit_length() + 7) // 8, "big")) for i in (numbers.n, numbers.e))
    return {"kty": "RSA", "n": n, "e": e, "kid": kid}


ISSUERS = {ISSUER: {"keys": [ec_jwk(EC_KEY, "ec-1"), rsa_jwk(RSA_KEY, "rsa-1")]}}


def claims(**changes) -> dict:
    base = {"iss": ISSUER, "aud": AUDIENCE, "iat": int(NOW), "exp": int(NOW) + 300}
    base |= {"jti": str(uuid.uuid4()), "tenant": "clinic-7"}
    return {k: v for k, v in (base | changes).items() if v is not None}


def es384(payload: dict, key=EC_KEY, **header) -> str:
    """A compact JWS signed by hand: ECDSA P-384/SHA-384, the DER signature as raw r||s."""
    header = {"alg": "ES384", "typ": "JWT", "kid": "ec-1"} | header
    header = {name: value for name, value in header.items() if value is not None}
    signing_input = f"{b64u_json(header)}.{b64u_json(payload)}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA384())))
    size = (key.curve.key_size + 7) // 8  # 48 bytes each for P-384
    return f"{signing_input}.{b64u(r.to_bytes(size, 'big') + s.to_bytes(size, 'big'))}"


def rs(payload: dict, alg: str = "RS384", kid: str = "rsa-1") -> str:
    return jwt.encode(payload, RSA_KEY, algorithm=alg, headers={"kid": kid})


def verify(token: str | None, scheme: str = "Bearer", **kwargs) -> CdsClient:
    header = token if token is None else f"{scheme} {token}"
    options = {"audience": AUDIENCE, "issuers": ISSUERS, "now": NOW} | kwargs
    return cds_client_verify(header, **options)


def refused(token: str | None, *words: str, **kwargs) -> None:
    with pytest.raises(CdsAuthError) as error:
        verify(token, **kwargs)
    for word in words:
        assert word in str(error.value)


def test_es384_signed_by_hand_is_accepted():
    payload = claims()
    client = verify(es384(payload))
    assert client == CdsClient(issuer=ISSUER, token_id=payload["jti"], tenant="clinic-7")


def test_es384_without_kid_uses_the_issuers_only_p384_key_and_aud_may_be_a_list():
    payload = claims(aud=["https://other.example.org", AUDIENCE], tenant=None)
    assert verify(es384(payload, kid=None), scheme="bearer").tenant is None


def test_rs384_is_accepted():
    payload = claims()
    assert verify(rs(payload)).token_id == payload["jti"]


@pytest.mark.parametrize("header", [None, ""])
def test_missing_header(header):
    with pytest.raises(CdsAuthError, match="missing"):
        cds_client_verify(header, audience=AUDIENCE, issuers=ISSUERS, now=NOW)


def test_not_bearer():
    refused(es384(claims()), "Bearer", scheme="Basic")


def test_garbage_token():
    refused("not.a.jwt", "well-formed")


def test_alg_none_is_refused_before_the_issuer_is_looked_up():
    token = f"{b64u_json({'alg': 'none', 'typ': 'JWT'})}.{b64u_json(claims(iss='https://x'))}."
    refused(token, "algorithm", "'none'")


def test_hs384_signed_with_the_public_key_as_secret_is_refused():
    """The classic confusion: the attacker HMACs with the published key as the shared secret."""
    secret = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{b64u_json({'alg': 'HS384', 'kid': 'rsa-1'})}.{b64u_json(claims())}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha384).digest()
    refused(f"{signing_input}.{b64u(mac)}", "algorithm", "HS384")


def test_rs256_is_refused():
    refused(rs(claims(), alg="RS256"), "algorithm", "RS256")


def test_typ_other_than_jwt_is_refused():
    refused(es384(claims(), typ="at+jwt"), "typ")


def test_unknown_issuer():
    refused(es384(claims(iss="https://rogue.example.org")), "rogue", "not trusted")


def test_unknown_kid():
    refused(es384(claims(), kid="ec-9"), "'ec-9'", "not among")


def test_key_of_the_wrong_family_for_the_alg():
    refused(rs(claims(), kid="ec-1"), "'ec-1'", "cannot verify RS384")


def test_ec_key_on_another_curve_is_not_used_for_es384():
    p256 = ec.generate_private_key(ec.SECP256R1())
    jwk = ec_jwk(EC_KEY, "ec-256") | {"crv": "P-256"}
    numbers = p256.public_key().public_numbers()
    jwk |= {"x": b64u(numbers.x.to_bytes(32, "big")), "y": b64u(numbers.y.to_bytes(32, "big"))}
    issuers = {ISSUER: {"keys": [jwk]}}
    refused(es384(claims(), key=p256, kid="ec-256"), "cannot verify ES384", issuers=issuers)


def test_wrong_signature():
    other = ec.generate_private_key(ec.SECP384R1())
    refused(es384(claims(), key=other), "signature")


def test_wrong_audience():
    refused(es384(claims(aud="https://guidance.example.org/cds-services/other")), "audience")


def test_expired():
    refused(es384(claims(iat=int(NOW) - 300, exp=int(NOW) - 31)), "expired")


def test_within_leeway_is_accepted():
    assert verify(es384(claims(iat=int(NOW) - 300, exp=int(NOW) - 29)))


def test_iat_in_the_future():
    refused(es384(claims(iat=int(NOW) + 60, exp=int(NOW) + 120)), "future")


def test_lifetime_over_the_policy_is_refused_and_the_policy_is_configurable():
    refused(es384(claims(exp=int(NOW) + 301)), "exp - iat", "300 seconds")
    assert verify(es384(claims(exp=int(NOW) + 600)), max_lifetime=600)
    refused(es384(claims(exp=int(NOW) + 601)), "600 seconds", max_lifetime=600)


def test_a_time_claim_beyond_a_float_is_refused_not_a_crash():
    refused(es384(claims(exp=10**400)), "exp", "number")


def test_exp_must_be_a_finite_number():
    """json.dumps writes NaN, json.loads reads it, and NaN compares false with every time."""
    refused(es384(claims(exp=float("nan"))), "exp", "number")


@pytest.mark.parametrize("claim", ["jti", "exp", "iat", "aud"])
def test_missing_required_claim(claim):
    refused(es384(claims(**{claim: None})), f"'{claim}'")


def test_replay_is_refused():
    used: set[tuple[str, str]] = set()
    calls = []

    def seen(issuer: str, jti: str, exp: float) -> bool:
        calls.append((issuer, jti, exp))
        known = (issuer, jti) in used
        used.add((issuer, jti))
        return known

    payload = claims()
    token = es384(payload)
    assert verify(token, seen=seen).token_id == payload["jti"]
    refused(token, "token already used", seen=seen)
    assert calls[0] == (ISSUER, payload["jti"], payload["exp"])


def test_a_refused_token_is_not_recorded_as_seen():
    calls = []
    refused(es384(claims(aud="https://elsewhere")), "audience", seen=lambda *a: calls.append(a))
    assert calls == []


def test_jti_seen_in_cache():
    jti, exp = str(uuid.uuid4()), NOW + 10**9
    assert jti_seen_in_cache(ISSUER, jti, exp) is False
    assert jti_seen_in_cache(ISSUER, jti, exp) is True
    assert jti_seen_in_cache("https://other.example.org", jti, exp) is False


def test_any_of_several_audiences_is_accepted():
    token = es384(claims(aud="https://cds.example.org/cds-services/x/feedback"))
    other = "https://cds.example.org/cds-services/x"
    assert verify(token, audience=[other, "https://cds.example.org/cds-services/x/feedback"])
    refused(token, "audience", other, audience=[other])
