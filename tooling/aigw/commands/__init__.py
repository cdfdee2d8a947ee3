"""The command groups of ``aigw`` whose library lives elsewhere in the package.

Each module exposes ``register(subparsers) -> None``, as every command group does
(``aigw.tenancy``, ``aigw.scan``, ``aigw.docs``, ``aigw.serve``, ``aigw.mutation``);
``aigw.cli`` builds the parser by calling them in order.
"""
