"""Local fakes for AWS services the sandbox (moto) does not implement.

A fake speaks the service's wire protocol so that a route reaches it exactly as it would
reach the service, but it is **not** the service: what it answers is documented in its
module, and ``aigw serve`` names every fake it starts in its startup output.
"""
