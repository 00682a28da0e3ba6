	opts := &azsecrets.ClientOptions{
		TokenCredential: d.azureTokenCredential,
		SecretClient:    secretsClient.WithRetries(3),
	}
	cfg.ClientSecret = settings.AzureClientSecretName
