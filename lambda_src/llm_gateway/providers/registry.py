"""The provider types the gateway knows, and the adapter that serves each.

One table: the config refuses a ``providers.<name>.type`` it does not list (the error
names the allowed types), and :func:`make_provider` builds adapters from it and refuses
anything else. Adapters are imported on first use, so a function that never calls
Bedrock never imports its adapter (ADR 0017).
"""

from __future__ import annotations

from llm_gateway.config_types import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from llm_gateway.config_types import ProviderConfig
    from llm_gateway.providers.base import Provider

# type -> (module, class) of the adapter
ADAPTERS: dict[str, tuple[str, str]] = {
    "bedrock": ("llm_gateway.providers.bedrock", "BedrockProvider"),
    "openai": ("llm_gateway.providers.openai_compat", "OpenAIProvider"),
    "mock": ("llm_gateway.providers.mock", "MockProvider"),
}
PROVIDER_TYPES = tuple(ADAPTERS)


def make_provider(config: ProviderConfig) -> Provider:
    """A new adapter for ``config``; :class:`ConfigError` for a type not in the table."""
    entry = ADAPTERS.get(config.type)
    if entry is None:
        raise ConfigError(
            f"providers.{config.name}.type must be one of: {', '.join(PROVIDER_TYPES)} "
            f"(got {str(config.type)[:100]!r})"
        )
    module, name = entry
    return getattr(__import__(module, fromlist=(name,)), name)(config)
