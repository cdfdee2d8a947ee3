"""The aigw policy pack: checkov custom checks (IDs CKV_AIGW_<n>).

Load with ``checkov --external-checks-dir policies``; docs/policies.md documents every check.
"""
