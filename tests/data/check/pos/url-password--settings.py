DATABASE_URL = "postgres://app:rDPc%FbBLpF49@db.internal:5432/app"
