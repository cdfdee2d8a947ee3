"""``aws``: direct AWS service integrations (SageMaker runtime, Comprehend, Translate...).

Not run locally yet: the sandbox implements none of those data-plane APIs. Every such
route answers 501 with an OpenAI-shaped body. Running them means rendering the request
mapping template (:func:`aigw.vtl.render`), calling the service, and rendering the
response template: that belongs in this module.
"""

from __future__ import annotations

from aigw.serve.integrations import (
    DEFAULT_TIMEOUT_MS,
    Binding,
    Call,
    Functions,
    Result,
    not_implemented,
    register,
)
from aigw.serve.routes import Route


class DirectAws:
    name = "aws"

    def bind(self, route: Route, functions: Functions) -> Binding:
        return Binding(
            route, None, None, DEFAULT_TIMEOUT_MS, f"{self.name} integrations are not run locally"
        )

    def invoke(self, call: Call) -> Result:
        route = call.route
        return not_implemented(
            f"{route.method} {route.template} is a direct AWS service integration; "
            "the local data plane (aigw serve) does not run direct integrations. "
            "Test it against a deployed stage.",
            tenant=call.tenant,
        )

    def target(self, binding: Binding) -> str:
        return "direct AWS integration (501 locally)"


register(DirectAws())
