echo dckr_pat_1_cewCG-0rWoradpIv-AooKn5y- | docker login -u acme --password-stdin
