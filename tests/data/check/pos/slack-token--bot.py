client = WebClient(token="xoxb-119693383566-6510815464457-iIfA0QjmhRPNyXfV2hnYhV6H")
