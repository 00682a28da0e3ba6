provider "digitalocean" {
  token = "dop_v1_c22c268e21cc5fc3f87b98bcc683027f6a1493c7848c1af9e4a51d3e0d14b3a4"
}
