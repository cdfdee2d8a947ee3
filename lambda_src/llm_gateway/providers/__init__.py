"""Provider adapters: each maps the OpenAI request shape to a provider and back."""
