"""Generation backends: the protocol and typed errors, xAI (xai-sdk) and the offline renderer."""
