"""aigw Lambda REQUEST authorizer: aigw API keys and OIDC/Cognito JWTs."""
