curl -H 'Authorization: token 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' https://api.github.com/user
