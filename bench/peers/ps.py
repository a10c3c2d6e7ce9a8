#!/usr/bin/python3
# docker-py peer: list all containers with one GET /containers/json?all=1.
# sparse=True: without it docker-py inspects every container it lists.
# Usage: ps.py unix:///path/to.sock
import sys
import docker

client = docker.DockerClient(base_url=sys.argv[1], version="1.41")
for c in client.containers.list(all=True, sparse=True):
    print(c.short_id, c.attrs.get("Image", ""), c.attrs.get("Status", ""), c.name)
