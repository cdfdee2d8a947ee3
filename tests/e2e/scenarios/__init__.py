"""Support for the users' scenarios (tests/e2e/test_scenario_*.py)."""
