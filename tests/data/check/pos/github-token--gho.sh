curl -H 'Authorization: token gho_ka68EqNGgEKZJhTsAxF6p7CYXd6vO51ZkLN6' https://api.github.com/user
