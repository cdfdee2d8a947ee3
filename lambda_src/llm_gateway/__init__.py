"""The LLM gateway: an OpenAI-compatible API over Bedrock and OpenAI-compatible providers."""
