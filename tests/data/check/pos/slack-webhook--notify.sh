curl -X POST https://hooks.slack.com/services/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 -d @msg.json
