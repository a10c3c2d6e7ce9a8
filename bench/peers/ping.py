#!/usr/bin/python3
# docker-py peer: GET /_ping.  Usage: ping.py unix:///path/to.sock
# The API version is pinned so that creating the client sends no /version
# request of its own (docker-py's default); see bench/README.md.
import sys
import docker

client = docker.DockerClient(base_url=sys.argv[1], version="1.41")
print("OK" if client.ping() else "FAIL")
