import os
DB_PASSWORD = os.environ["DB_PASSWORD"]
API_TOKEN = os.getenv("API_TOKEN", "")
password_field = "password"
SECRET_KEY = get_secret("django")
token_url = "https://auth.example.com/oauth/token"
PASSWORD_MIN_LENGTH = 12
