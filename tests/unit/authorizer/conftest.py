"""Authorizer test fixtures (defined in authz_fixtures.py)."""

from authz_fixtures import authz, config, ec_key, jwks_server, rsa_key, store

__all__ = ["authz", "config", "ec_key", "jwks_server", "rsa_key", "store"]
