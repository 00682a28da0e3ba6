SENDGRID = "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"
